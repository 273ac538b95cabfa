"""What organisers see through HTTP: a show's sales, every booking, and a buyer's own pages."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.eventstore import NO_STREAM, NewEvent
from boxoffice.http import keys

from .actors import Actor, book, new_show, show_body, sign_up
from .orders import place


async def get(client: TestClient, actor: Actor, path: str, **params: str) -> Any:
    response = await client.get(path, params=params, headers=actor.headers)
    assert response.status == 200, await response.text()
    return await response.json()


async def checked_in(client: TestClient, show_id: str, category: str) -> None:
    """A ticket admitted, as the ticket engineer's TicketCheckedIn records it."""
    store = client.app[keys.EVENT_STORE]
    data = {"ticket_id": "t1", "show_id": show_id, "category": category, "booking_id": "b"}
    result = await store.append("ticket-t1", [NewEvent("TicketCheckedIn", data)], NO_STREAM)
    await client.app[keys.PROJECTIONS].wait_for(result.last_position, 5)


async def test_the_sales_view_counts_seats_and_revenue_per_category(client: TestClient) -> None:
    admin, buyer, other = (
        await sign_up(client, admin=True), await sign_up(client), await sign_up(client),
    )  # fmt: skip
    gallery = {"code": "G", "name": "Gallery", "price": "25.50", "currency": "EUR", "capacity": 4}
    body = show_body(capacity=10)
    body["categories"].append(gallery)
    response = await client.post("/shows", json=body, headers=admin.headers)
    show_id = (await response.json())["show_id"]
    await book(client, buyer, show_id, quantity=2)
    _, cancelled = await book(client, other, show_id, quantity=1)
    await client.post(
        "/booking/tickets/cancel", json={"booking_id": cancelled["booking_id"]},
        headers=other.headers,
    )  # fmt: skip
    await book(client, other, show_id, quantity=3, category="G")
    await place(client, buyer, show_id, {"A": 1})
    _, paid = await place(client, other, show_id, {"A": 2})
    await client.post(f"/orders/{paid['order_id']}/mark-paid", headers=admin.headers)
    await checked_in(client, show_id, "A")
    sales = await get(client, admin, f"/shows/{show_id}/sales")
    assert sales == {
        "show_id": show_id,
        "categories": [
            {
                "category": "A", "capacity": 10, "held": 1, "sold": 4, "cancelled": 1,
                "checked_in": 1, "revenue": {"amount": "220.00", "currency": "EUR"},
            },
            {
                "category": "G", "capacity": 4, "held": 0, "sold": 3, "cancelled": 0,
                "checked_in": 0, "revenue": {"amount": "76.50", "currency": "EUR"},
            },
        ],
    }  # fmt: skip
    patched = await client.patch(
        f"/shows/{show_id}", json={"capacities": {"G": 3}}, headers=admin.headers
    )
    assert patched.status == 200
    sales = await get(client, admin, f"/shows/{show_id}/sales")
    assert sales["categories"][1]["capacity"] == 3


async def test_the_sales_view_is_for_admins_of_known_shows(client: TestClient) -> None:
    admin, customer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    forbidden = await client.get(f"/shows/{show_id}/sales", headers=customer.headers)
    assert forbidden.status == 403
    unknown = await client.get("/shows/nope/sales", headers=admin.headers)
    assert unknown.status == 404


async def test_admins_list_every_booking_with_filters_and_pages(client: TestClient) -> None:
    admin, ada, bob = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    hamlet, lear = await new_show(client, admin), await new_show(client, admin)
    booked = [
        (await book(client, ada, hamlet))[1],
        (await book(client, bob, hamlet))[1],
        (await book(client, ada, lear))[1],
    ]
    await client.post(
        "/booking/tickets/cancel", json={"booking_id": booked[1]["booking_id"]},
        headers=bob.headers,
    )  # fmt: skip

    def ids(page: dict[str, Any]) -> list[str]:
        return [item["booking_id"] for item in page["items"]]

    newest_first = [b["booking_id"] for b in reversed(booked)]
    assert ids(await get(client, admin, "/bookings")) == newest_first
    assert ids(await get(client, admin, "/bookings", show_id=hamlet)) == newest_first[1:]
    assert ids(await get(client, admin, "/bookings", user_id=ada.user_id)) == [
        newest_first[0], newest_first[2],
    ]  # fmt: skip
    assert ids(await get(client, admin, "/bookings", status="cancelled")) == [newest_first[1]]
    first = await get(client, admin, "/bookings", limit="2")
    second = await get(client, admin, "/bookings", limit="2", cursor=first["next_cursor"])
    assert ids(first) + ids(second) == newest_first and second["next_cursor"] is None
    forbidden = await client.get("/bookings", headers=ada.headers)
    assert forbidden.status == 403
    bad_cursor = await client.get("/bookings", params={"cursor": "x"}, headers=admin.headers)
    assert bad_cursor.status == 422


async def test_my_own_bookings_come_in_pages(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    made = [(await book(client, buyer, show_id))[1]["booking_id"] for _ in range(3)]
    first = await get(client, buyer, "/booking/tickets/status", limit="2")
    second = await get(
        client, buyer, "/booking/tickets/status", limit="2", cursor=first["next_cursor"]
    )
    listed = [item["booking_id"] for item in first["items"] + second["items"]]
    assert listed == made[::-1] and second["next_cursor"] is None
    assert set(first["items"][0]) >= {"booking_id", "status", "show_id", "quantity", "created_at"}
    everything = await get(client, buyer, "/booking/tickets/status")
    assert len(everything["items"]) == 3 and everything["next_cursor"] is None
