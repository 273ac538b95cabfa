"""Tickets through HTTP: a booking's or a paid order's tickets for its owner or an admin, QR
codes, revocation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.domain.tickets import BOOKING, ticket_id_for

from .actors import Actor, book, new_show, sign_up
from .orders import deliver, new_two_category_show, payment_event, place


async def booked(client: TestClient, quantity: int = 2) -> tuple[Actor, Actor, str, str]:
    """(admin, buyer, show_id, booking_id) of a confirmed booking."""
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=10)
    status, booking = await book(client, buyer, show_id, quantity=quantity)
    assert status == 201, booking
    return admin, buyer, show_id, booking["booking_id"]


async def tickets_of(client: TestClient, actor: Actor, booking_id: str) -> tuple[int, Any]:
    response = await client.get(f"/booking/tickets/{booking_id}/tickets", headers=actor.headers)
    return response.status, await response.json()


async def test_the_buyer_reads_a_ticket_per_seat_right_after_booking(client: TestClient) -> None:
    _, buyer, show_id, booking_id = await booked(client, quantity=3)

    status, body = await tickets_of(client, buyer, booking_id)

    assert status == 200
    assert [t["ticket_id"] for t in body["items"]] == [
        ticket_id_for(BOOKING, booking_id, n) for n in range(3)
    ]
    assert {(t["status"], t["show_id"], t["category"]) for t in body["items"]} == {
        ("valid", show_id, "A")
    }
    secrets = {t["secret"] for t in body["items"]}
    assert len(secrets) == 3 and all(len(s) >= 32 for s in secrets)


async def test_reading_tickets_again_gives_the_same_secrets(client: TestClient) -> None:
    _, buyer, _, booking_id = await booked(client)
    first = (await tickets_of(client, buyer, booking_id))[1]["items"]
    await asyncio.sleep(0.5)  # the issuer has followed the booking by now
    again = (await tickets_of(client, buyer, booking_id))[1]["items"]
    assert again == first


async def test_an_admin_reads_anyones_tickets_and_a_stranger_gets_404(
    client: TestClient,
) -> None:
    admin, _, _, booking_id = await booked(client)
    stranger = await sign_up(client)

    admin_status, admin_body = await tickets_of(client, admin, booking_id)
    stranger_status, stranger_body = await tickets_of(client, stranger, booking_id)
    missing_status, missing_body = await tickets_of(client, stranger, uuid.uuid4().hex)

    assert (admin_status, len(admin_body["items"])) == (200, 2)
    assert (stranger_status, missing_status) == (404, 404)
    assert stranger_body["detail"] == missing_body["detail"]


async def test_reading_tickets_without_a_token_is_401(client: TestClient) -> None:
    response = await client.get(f"/booking/tickets/{uuid.uuid4().hex}/tickets")
    assert response.status == 401


async def test_the_qr_code_is_an_svg_for_the_owner_only(client: TestClient) -> None:
    admin, buyer, _, booking_id = await booked(client, quantity=1)
    stranger = await sign_up(client)
    (ticket,) = (await tickets_of(client, buyer, booking_id))[1]["items"]

    mine = await client.get(ticket["qr_url"], headers=buyer.headers)
    by_admin = await client.get(ticket["qr_url"], headers=admin.headers)
    not_mine = await client.get(ticket["qr_url"], headers=stranger.headers)

    assert (mine.status, mine.content_type) == (200, "image/svg+xml")
    assert (await mine.text()).startswith("<svg")
    assert (by_admin.status, not_mine.status) == (200, 404)


async def test_cancelling_a_booking_revokes_its_tickets(client: TestClient) -> None:
    _, buyer, _, booking_id = await booked(client)
    await tickets_of(client, buyer, booking_id)

    response = await client.post(
        "/booking/tickets/cancel", json={"booking_id": booking_id}, headers=buyer.headers
    )
    assert response.status == 200

    async with asyncio.timeout(10):
        while True:
            items = (await tickets_of(client, buyer, booking_id))[1]["items"]
            if {t["status"] for t in items} == {"revoked"}:
                break
            await asyncio.sleep(0.05)
    assert len(items) == 2


async def test_an_unknown_orders_tickets_are_404(
    client: TestClient,
) -> None:
    buyer = await sign_up(client)
    response = await client.get(f"/orders/{uuid.uuid4().hex}/tickets", headers=buyer.headers)
    assert response.status == 404


async def test_a_paid_orders_buyer_reads_a_ticket_per_seat(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 2, "B": 1})
    await deliver(client, payment_event(order["order_id"], "130.00"))
    response = await client.get(f"/orders/{order['order_id']}/tickets", headers=buyer.headers)
    items = (await response.json())["items"]
    assert sorted(t["category"] for t in items) == ["A", "A", "B"]
    assert {t["status"] for t in items} == {"valid"}


async def test_an_unpaid_order_has_no_tickets(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    response = await client.get(f"/orders/{order['order_id']}/tickets", headers=buyer.headers)
    assert response.status == 200 and (await response.json())["items"] == []


async def test_a_stranger_gets_404_for_an_orders_tickets(client: TestClient) -> None:
    admin, buyer, stranger = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    response = await client.get(f"/orders/{order['order_id']}/tickets", headers=stranger.headers)
    assert response.status == 404


async def test_cancelling_a_paid_order_revokes_its_tickets(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    await client.post(f"/orders/{order['order_id']}/mark-paid", headers=admin.headers)
    url = f"/orders/{order['order_id']}/tickets"
    assert len((await (await client.get(url, headers=buyer.headers)).json())["items"]) == 1
    await client.post(f"/orders/{order['order_id']}/cancel", headers=buyer.headers)
    for _ in range(50):
        items = (await (await client.get(url, headers=buyer.headers)).json())["items"]
        if items[0]["status"] == "revoked":
            break
        await asyncio.sleep(0.1)
    assert items[0]["status"] == "revoked"
