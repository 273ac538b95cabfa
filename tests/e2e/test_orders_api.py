"""Orders through HTTP: holding seats, reading, listing, cancelling, marking paid."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient

from .actors import book, sign_up
from .orders import new_two_category_show, place


async def available(client: TestClient, show_id: str) -> dict[str, int]:
    response = await client.get(f"/shows/{show_id}")
    return {c["code"]: c["available"] for c in (await response.json())["categories"]}


async def test_an_order_of_two_categories_holds_both_and_awaits_payment(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    status, order = await place(client, buyer, show_id, {"A": 2, "B": 1})
    assert status == 201, order
    assert order["status"] == "awaiting_payment"
    assert order["total"] == {"amount": "130.00", "currency": "EUR"}
    assert order["items"] == [
        {"category": "A", "quantity": 2, "unit_price": "55.00"},
        {"category": "B", "quantity": 1, "unit_price": "20.00"},
    ]
    assert order["expires_at"].endswith("Z")


async def test_held_seats_leave_availability_at_once(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    await place(client, buyer, show_id, {"A": 2, "B": 1})
    assert await available(client, show_id) == {"A": 8, "B": 9}


async def test_an_order_that_cannot_hold_every_item_is_a_409_and_holds_nothing(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin, b=1)
    status, problem = await place(client, buyer, show_id, {"A": 2, "B": 2})
    assert status == 409
    assert problem["reason"] == "insufficient_availability"
    assert problem["refused"] == [{"category": "B", "quantity": 2}]
    assert await available(client, show_id) == {"A": 10, "B": 1}


async def test_an_order_for_an_unknown_category_is_a_409(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    status, problem = await place(client, buyer, show_id, {"Z": 1})
    assert status == 409 and problem["reason"] == "unknown_category"


async def test_items_in_two_currencies_are_a_422(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    body = {
        "title": "Two money",
        "venue": "Hall",
        "starts_at": "2027-03-01T19:30:00Z",
        "categories": [
            {"code": "A", "name": "A", "price": "1.00", "currency": "EUR", "capacity": 5},
            {"code": "B", "name": "B", "price": "1.00", "currency": "USD", "capacity": 5},
        ],
    }
    show_id = (await (await client.post("/shows", json=body, headers=admin.headers)).json())[
        "show_id"
    ]
    status, problem = await place(client, buyer, show_id, {"A": 1, "B": 1})
    assert status == 422, problem


async def test_a_category_named_twice_is_one_item_of_both_quantities(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    body = {"show_id": show_id, "items": [{"category": "A", "quantity": 1}] * 2}
    response = await client.post("/orders", json=body, headers=buyer.headers)
    assert (await response.json())["items"] == [
        {"category": "A", "quantity": 2, "unit_price": "55.00"}
    ]


async def test_held_seats_count_against_the_per_user_limit(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin, per_user_limit=3)
    await place(client, buyer, show_id, {"A": 2})
    status, body = await book(client, buyer, show_id, 2, category="B")
    assert status == 409 and body["reason"] == "per_user_limit"


async def test_the_owner_reads_an_order_and_a_stranger_gets_404(client: TestClient) -> None:
    admin, buyer, stranger = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    mine = await client.get(f"/orders/{order['order_id']}", headers=buyer.headers)
    assert mine.status == 200 and (await mine.json())["status"] == "awaiting_payment"
    theirs = await client.get(f"/orders/{order['order_id']}", headers=stranger.headers)
    assert theirs.status == 404
    admins = await client.get(f"/orders/{order['order_id']}", headers=admin.headers)
    assert admins.status == 200


async def test_a_retry_with_the_same_idempotency_key_returns_the_same_order(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    first = await place(client, buyer, show_id, {"A": 1}, key="order-1")
    again = await place(client, buyer, show_id, {"A": 1}, key="order-1")
    assert first[0] == again[0] == 201
    assert first[1]["order_id"] == again[1]["order_id"]
    assert await available(client, show_id) == {"A": 9, "B": 10}


async def test_the_same_idempotency_key_for_another_order_is_a_422(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    await place(client, buyer, show_id, {"A": 1}, key="order-2")
    status, _ = await place(client, buyer, show_id, {"A": 2}, key="order-2")
    assert status == 422


async def test_my_orders_are_listed_a_page_at_a_time(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    placed = [(await place(client, buyer, show_id, {"A": 1}))[1]["order_id"] for _ in range(3)]
    first = await (await client.get("/orders?limit=2", headers=buyer.headers)).json()
    cursor = first["next_cursor"]
    second = await (
        await client.get(f"/orders?limit=2&cursor={cursor}", headers=buyer.headers)
    ).json()
    listed = [o["order_id"] for o in first["items"] + second["items"]]
    assert listed == list(reversed(placed)) and second["next_cursor"] is None


async def test_an_admin_lists_orders_of_a_show_by_status(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    response = await client.get(
        f"/orders?show_id={show_id}&status=awaiting_payment", headers=admin.headers
    )
    page = await response.json()
    assert [o["order_id"] for o in page["items"]] == [order["order_id"]]


async def test_a_customer_cannot_list_another_users_orders(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    response = await client.get(f"/orders?user_id={admin.user_id}", headers=buyer.headers)
    assert response.status == 403


async def test_cancelling_a_held_order_gives_its_seats_back(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 2, "B": 1})
    response = await client.post(f"/orders/{order['order_id']}/cancel", headers=buyer.headers)
    assert response.status == 200 and (await response.json())["status"] == "cancelled"
    assert await available(client, show_id) == {"A": 10, "B": 10}


async def test_cancelling_a_paid_order_makes_it_refund_due(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    await client.post(f"/orders/{order['order_id']}/mark-paid", headers=admin.headers)
    response = await client.post(f"/orders/{order['order_id']}/cancel", headers=buyer.headers)
    assert (await response.json())["status"] == "refund_due"


async def test_cancelling_a_cancelled_order_is_a_409(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    await client.post(f"/orders/{order['order_id']}/cancel", headers=buyer.headers)
    again = await client.post(f"/orders/{order['order_id']}/cancel", headers=buyer.headers)
    assert again.status == 409 and (await again.json())["order_status"] == "cancelled"


async def test_an_admin_marks_an_order_paid_at_the_box_office(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    response = await client.post(f"/orders/{order['order_id']}/mark-paid", headers=admin.headers)
    assert response.status == 200 and (await response.json())["status"] == "paid"
    read = await client.get(f"/orders/{order['order_id']}", headers=buyer.headers)
    assert (await read.json())["status"] == "paid"


async def test_a_customer_cannot_mark_an_order_paid(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    response = await client.post(f"/orders/{order['order_id']}/mark-paid", headers=buyer.headers)
    assert response.status == 403


async def test_two_hundred_buyers_ordering_the_last_forty_seats_never_oversell(
    client: TestClient,
) -> None:
    admin = await sign_up(client, admin=True)
    show_id = await new_two_category_show(client, admin, a=20, b=20)
    buyers = [await sign_up(client) for _ in range(200)]
    results = await asyncio.gather(
        *(place(client, buyer, show_id, {"A": 1, "B": 1}) for buyer in buyers)
    )
    held = [order for status, order in results if status == 201]
    assert len(held) == 20
    assert {status for status, _ in results} == {201, 409}
    assert await available(client, show_id) == {"A": 0, "B": 0}
