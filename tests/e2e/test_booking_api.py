"""Shows, booking, status and cancel through HTTP, as clients of the v1 contract use them."""

from __future__ import annotations

import asyncio
import uuid

from aiohttp.test_utils import TestClient

from .actors import book, new_show, show_body, sign_up


async def test_an_admin_creates_a_show_that_anyone_can_read(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    show_id = await new_show(client, admin, capacity=7)
    response = await client.get(f"/shows/{show_id}")
    show = await response.json()
    assert response.status == 200
    assert (show["title"], show["categories"][0]["available"]) == ("Hamlet", 7)


async def test_a_customer_cannot_create_a_show(client: TestClient) -> None:
    customer = await sign_up(client)
    response = await client.post("/shows", json=show_body(), headers=customer.headers)
    assert response.status == 403


async def test_creating_a_show_without_a_token_is_401(client: TestClient) -> None:
    response = await client.post("/shows", json=show_body())
    assert response.status == 401


async def test_an_unknown_show_is_404(client: TestClient) -> None:
    assert (await client.get(f"/shows/{uuid.uuid4().hex}")).status == 404


async def test_search_lists_offers_with_their_availability(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    show_id = await new_show(client, admin, capacity=5)
    response = await client.get("/booking/tickets", params={"show_id": show_id})
    (offer,) = (await response.json())["items"]
    assert (offer["category"], offer["capacity"], offer["available"], offer["price"]) == (
        "A",
        5,
        5,
        "55.00",
    )


async def test_a_confirmed_booking_is_201_and_its_status_reads_confirmed_at_once(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=5)
    status, booked = await book(client, buyer, show_id, quantity=2)
    response = await client.get(
        "/booking/tickets/status",
        params={"booking_id": booked["booking_id"]},
        headers=buyer.headers,
    )
    assert (status, booked["status"]) == (201, "confirmed")
    assert (await response.json())["status"] == "confirmed"


async def test_availability_drops_by_the_seats_booked(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=5)
    await book(client, buyer, show_id, quantity=2)
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert show["categories"][0]["available"] == 3


async def test_booking_a_sold_out_show_is_409_with_the_reason(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=1)
    await book(client, buyer, show_id)
    status, rejected = await book(client, buyer, show_id)
    assert (status, rejected["reason"]) == (409, "sold_out")
    assert rejected["booking_id"]


async def test_the_per_user_limit_is_a_409(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=10, per_user_limit=2)
    await book(client, buyer, show_id, quantity=2)
    status, rejected = await book(client, buyer, show_id, quantity=1)
    assert (status, rejected["reason"]) == (409, "per_user_limit")


async def test_booking_an_unknown_show_is_409_unknown_show(client: TestClient) -> None:
    buyer = await sign_up(client)
    status, rejected = await book(client, buyer, uuid.uuid4().hex)
    assert (status, rejected["reason"]) == (409, "unknown_show")


async def test_booking_an_unknown_category_is_409_unknown_category(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    status, rejected = await book(client, buyer, show_id, category="Z")
    assert (status, rejected["reason"]) == (409, "unknown_category")


async def test_a_quantity_above_the_maximum_is_422(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    status, problem = await book(client, buyer, show_id, quantity=11)
    assert status == 422 and problem["errors"][0]["field"] == "quantity"


async def test_booking_without_a_token_is_401(client: TestClient) -> None:
    response = await client.post(
        "/booking/tickets/book", json={"show_id": "x", "category": "A", "quantity": 1}
    )
    assert response.status == 401


async def test_a_retry_with_the_same_idempotency_key_returns_the_stored_response(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=5)
    first = await book(client, buyer, show_id, quantity=2, key="order-1")
    again = await book(client, buyer, show_id, quantity=2, key="order-1")
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert first == again and first[0] == 201
    assert show["categories"][0]["available"] == 3


async def test_the_same_idempotency_key_with_another_body_is_422(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=5)
    await book(client, buyer, show_id, quantity=2, key="order-1")
    status, _ = await book(client, buyer, show_id, quantity=3, key="order-1")
    assert status == 422


async def test_concurrent_twins_with_one_key_book_once(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=50)
    outcomes = await asyncio.gather(*(book(client, buyer, show_id, key="twin") for _ in range(10)))
    statuses = sorted(status for status, _ in outcomes)
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert show["categories"][0]["available"] == 49


async def test_cancelling_returns_the_seats(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=2)
    _, booked = await book(client, buyer, show_id, quantity=2)
    response = await client.post(
        "/booking/tickets/cancel", json={"booking_id": booked["booking_id"]}, headers=buyer.headers
    )
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert (response.status, (await response.json())["status"]) == (200, "cancelled")
    assert show["categories"][0]["available"] == 2


async def test_cancelling_twice_is_409(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=2)
    _, booked = await book(client, buyer, show_id)
    payload = {"booking_id": booked["booking_id"]}
    await client.post("/booking/tickets/cancel", json=payload, headers=buyer.headers)
    again = await client.post("/booking/tickets/cancel", json=payload, headers=buyer.headers)
    assert again.status == 409


async def test_another_users_booking_is_404_for_status_and_cancel(client: TestClient) -> None:
    admin, owner, other = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    show_id = await new_show(client, admin)
    _, booked = await book(client, owner, show_id)
    status = await client.get(
        "/booking/tickets/status",
        params={"booking_id": booked["booking_id"]},
        headers=other.headers,
    )
    cancel = await client.post(
        "/booking/tickets/cancel", json={"booking_id": booked["booking_id"]}, headers=other.headers
    )
    assert (status.status, cancel.status) == (404, 404)


async def test_an_admin_reads_anyones_booking(client: TestClient) -> None:
    admin, owner = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    _, booked = await book(client, owner, show_id)
    response = await client.get(
        "/booking/tickets/status",
        params={"booking_id": booked["booking_id"]},
        headers=admin.headers,
    )
    assert response.status == 200


async def test_status_without_an_id_lists_only_my_bookings(client: TestClient) -> None:
    admin, me, other = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    show_id = await new_show(client, admin)
    mine = [(await book(client, me, show_id))[1]["booking_id"] for _ in range(2)]
    await book(client, other, show_id)
    listed = await (await client.get("/booking/tickets/status", headers=me.headers)).json()
    assert sorted(item["booking_id"] for item in listed["items"]) == sorted(mine)


async def test_two_hundred_concurrent_buyers_for_forty_seats_confirm_exactly_forty(
    client: TestClient,
) -> None:
    admin = await sign_up(client, admin=True)
    buyers = await asyncio.gather(*(sign_up(client) for _ in range(20)))
    show_id = await new_show(client, admin, capacity=40)
    outcomes = await asyncio.gather(*(book(client, buyers[i % 20], show_id) for i in range(200)))
    statuses = [status for status, _ in outcomes]
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert (statuses.count(201), statuses.count(409)) == (40, 160)
    assert show["categories"][0]["available"] == 0


async def test_the_per_user_limit_counts_seats_in_every_category_of_the_show(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    categories = [
        {"code": code, "name": code, "price": "10.00", "currency": "EUR", "capacity": 20}
        for code in "ABCDE"
    ]
    show_id = await new_show(client, admin, per_user_limit=4, categories=categories)
    answers = await asyncio.gather(
        *(book(client, buyer, show_id, quantity=4, category=code) for code in "ABCDE")
    )
    assert sorted(status for status, _ in answers) == [201, 409, 409, 409, 409]
    assert {body["reason"] for status, body in answers if status == 409} == {"per_user_limit"}
