"""Cancelling a show through HTTP: sales close, every booking and order is cancelled once."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.domain.events import from_stored
from boxoffice.domain.inventory import CANCELLED, REFUND_DUE, fold
from boxoffice.domain.streams import inventory_stream
from boxoffice.http import keys

from .actors import book, new_show, sign_up
from .orders import place


async def show_status(client: TestClient, show_id: str) -> str:
    return str((await (await client.get(f"/shows/{show_id}")).json())["status"])


async def cancelled_in_time(client: TestClient, show_id: str) -> None:
    async with asyncio.timeout(10):
        while await show_status(client, show_id) != "cancelled":  # noqa: ASYNC110 - a read model
            await asyncio.sleep(0.05)


async def test_cancelling_a_show_cancels_every_booking_and_order_once(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    buyers = [await sign_up(client) for _ in range(3)]
    show_id = await new_show(client, admin, capacity=20)
    bookings = [(await book(client, buyer, show_id, quantity=2))[1] for buyer in buyers]
    _, held = await place(client, buyers[0], show_id, {"A": 1})
    _, paid = await place(client, buyers[1], show_id, {"A": 2})
    await client.post(f"/orders/{paid['order_id']}/mark-paid", headers=admin.headers)

    response = await client.post(f"/shows/{show_id}/cancel", headers=admin.headers)
    first: dict[str, Any] = await response.json()
    assert response.status in (200, 202), first
    assert response.headers["Location"] == f"/shows/{show_id}"
    await cancelled_in_time(client, show_id)
    again = await client.post(f"/shows/{show_id}/cancel", headers=admin.headers)
    assert (again.status, (await again.json())["status"]) == (200, "cancelled")

    records = await client.app[keys.EVENT_STORE].read_stream(inventory_stream(show_id))
    types = [r.type for r in records]
    assert types.count("BookingCancelled") == 3 and types.count("OrderCancelled") == 2
    assert types.count("ShowCancellationStarted") == 1 and types.count("ShowCancelled") == 1
    state = fold(from_stored(r.type, r.data) for r in records)
    assert {b.status for b in state.bookings.values()} == {CANCELLED}
    orders = (state.orders[held["order_id"]], state.orders[paid["order_id"]])
    assert tuple(order.status for order in orders) == (CANCELLED, REFUND_DUE)
    for booked in bookings:
        status = await client.get(
            "/booking/tickets/status", params={"booking_id": booked["booking_id"]},
            headers=admin.headers,
        )  # fmt: skip
        assert (await status.json())["status"] == "cancelled"
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert show["categories"][0]["available"] == 20


async def test_a_cancelled_show_refuses_bookings_and_changes(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    response = await client.post(f"/shows/{show_id}/cancel", headers=admin.headers)
    assert response.status in (200, 202)
    status, refused = await book(client, buyer, show_id)
    assert (status, refused["reason"]) == (409, "show_cancelled")
    change = await client.patch(f"/shows/{show_id}", json={"title": "X"}, headers=admin.headers)
    assert (change.status, (await change.json())["reason"]) == (409, "show_cancelled")
    await cancelled_in_time(client, show_id)
    listed = await (await client.get("/shows", params={"on_sale": "true"})).json()
    assert listed["items"] == []
    search = await (await client.get("/booking/tickets", params={"show_id": show_id})).json()
    assert search["items"] == []


async def test_only_an_admin_cancels_and_an_unknown_show_is_404(client: TestClient) -> None:
    admin, customer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    forbidden = await client.post(f"/shows/{show_id}/cancel", headers=customer.headers)
    assert forbidden.status == 403
    assert await show_status(client, show_id) == "active"
    unknown = await client.post("/shows/nope/cancel", headers=admin.headers)
    assert unknown.status == 404
