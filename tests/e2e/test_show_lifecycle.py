"""The show lifecycle through HTTP: list, change, sales window, time, capacity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from .actors import Actor, book, new_show, show_body, sign_up


def iso(seconds_from_now: float) -> str:
    moment = datetime.now(UTC) + timedelta(seconds=seconds_from_now)
    return moment.isoformat().replace("+00:00", "Z")


DAY = 86400.0


async def listed(client: TestClient, **params: str) -> list[str]:
    response = await client.get("/shows", params=params)
    assert response.status == 200, await response.text()
    return [show["title"] for show in (await response.json())["items"]]


async def patch(
    client: TestClient, admin: Actor, show_id: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    response = await client.patch(f"/shows/{show_id}", json=body, headers=admin.headers)
    return response.status, await response.json()


async def test_shows_are_listed_by_start_with_each_filter_and_pages(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    await new_show(client, admin, title="Hamlet", venue="Globe", starts_at=iso(3 * DAY))
    await new_show(client, admin, title="Lear", venue="Rose", starts_at=iso(1 * DAY))
    await new_show(
        client, admin, title="Tempest", venue="Globe", starts_at=iso(2 * DAY),
        sales_start=iso(DAY / 2),
    )  # fmt: skip
    soon = await new_show(client, admin, title="Soon", venue="Pier", starts_at=iso(1.5))
    assert await listed(client) == ["Soon", "Lear", "Tempest", "Hamlet"]
    assert await listed(client, q="globe") == ["Tempest", "Hamlet"]
    assert await listed(client, **{"from": iso(1.5 * DAY), "to": iso(2.5 * DAY)}) == ["Tempest"]
    assert await listed(client, on_sale="true") == ["Soon", "Lear", "Hamlet"]
    assert await listed(client, on_sale="false") == ["Tempest"]
    first = await (await client.get("/shows", params={"limit": "3"})).json()
    second = await (
        await client.get("/shows", params={"limit": "3", "cursor": first["next_cursor"]})
    ).json()
    assert [s["title"] for s in first["items"] + second["items"]] == [
        "Soon", "Lear", "Tempest", "Hamlet",
    ]  # fmt: skip
    assert second["next_cursor"] is None
    assert first["items"][0]["hold_seconds"] == 1200 and first["items"][0]["status"] == "active"
    await asyncio.sleep(1.6)
    assert "Soon" not in await listed(client)
    assert "Soon" in await listed(client, include_past="true")
    buyer = await sign_up(client)
    status, over = await book(client, buyer, soon)
    assert (status, over["reason"]) == (409, "show_over")


async def test_a_show_in_the_past_cannot_be_created(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    response = await client.post(
        "/shows", json=show_body(starts_at=iso(-60)), headers=admin.headers
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "starts_at"


async def test_booking_outside_the_sales_window_is_not_on_sale(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    early = await new_show(client, admin, sales_start=iso(DAY), starts_at=iso(3 * DAY))
    late = await new_show(client, admin, sales_start=iso(-2 * DAY), sales_end=iso(-DAY))
    inside = await new_show(client, admin, sales_start=iso(-DAY), sales_end=iso(DAY))
    for show_id in (early, late):
        status, rejected = await book(client, buyer, show_id)
        assert (status, rejected["reason"]) == (409, "not_on_sale")
    assert (await book(client, buyer, inside))[0] == 201
    status, opened = await patch(client, admin, early, {"sales_start": None})
    assert (status, opened["sales_start"]) == (200, None)
    assert (await book(client, buyer, early))[0] == 201


async def test_an_empty_sales_window_is_422(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    body = show_body(sales_start=iso(2 * DAY), sales_end=iso(DAY))
    response = await client.post("/shows", json=body, headers=admin.headers)
    assert response.status == 422


async def test_each_field_of_a_show_changes(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    show_id = await new_show(client, admin)
    changes = {
        "title": "Macbeth",
        "venue": "The Rose",
        "starts_at": "2027-04-01T18:00:00+02:00",
        "sales_start": "2027-01-01T00:00:00Z",
        "sales_end": "2027-03-31T00:00:00Z",
        "hold_seconds": 300,
    }
    for name, value in changes.items():
        status, show = await patch(client, admin, show_id, {name: value})
        assert status == 200, show
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert {name: show[name] for name in changes} == {
        **changes,
        "starts_at": "2027-04-01T16:00:00Z",
    }
    (offer,) = (await (await client.get("/booking/tickets", params={"q": "macbeth"})).json())[
        "items"
    ]
    assert (offer["venue"], offer["starts_at"]) == ("The Rose", "2027-04-01T16:00:00Z")


async def test_a_change_to_the_past_or_of_nothing_is_422_and_a_customer_403(
    client: TestClient,
) -> None:
    admin, customer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    assert (await patch(client, admin, show_id, {"starts_at": iso(-10)}))[0] == 422
    assert (await patch(client, admin, show_id, {}))[0] == 422
    assert (await patch(client, admin, show_id, {"title": None}))[0] == 422
    assert (await patch(client, customer, show_id, {"title": "X"}))[0] == 403
    assert (await patch(client, admin, "nope", {"title": "X"}))[0] == 404


async def test_capacity_is_lowered_to_the_seats_taken_and_never_below(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=10)
    await book(client, buyer, show_id, quantity=4)
    status, refused = await patch(client, admin, show_id, {"capacities": {"A": 3}})
    assert (status, refused["reason"], refused["taken"]) == (409, "capacity_below_taken", 4)
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert (show["categories"][0]["capacity"], show["categories"][0]["available"]) == (10, 6)
    status, show = await patch(client, admin, show_id, {"capacities": {"A": 4}})
    assert status == 200
    assert (show["categories"][0]["capacity"], show["categories"][0]["available"]) == (4, 0)
    status, sold_out = await book(client, buyer, show_id)
    assert (status, sold_out["reason"]) == (409, "sold_out")
    status, show = await patch(client, admin, show_id, {"capacities": {"A": 6}})
    assert (show["categories"][0]["capacity"], show["categories"][0]["available"]) == (6, 2)


async def test_an_added_category_is_listed_and_bookable(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    gallery = {"code": "G", "name": "Gallery", "price": "25.00", "currency": "EUR", "capacity": 3}
    status, show = await patch(client, admin, show_id, {"add_categories": [gallery]})
    assert status == 200
    assert [(c["code"], c["available"]) for c in show["categories"]] == [("A", 10), ("G", 3)]
    assert (await patch(client, admin, show_id, {"add_categories": [gallery]}))[0] == 200
    bigger = {**gallery, "capacity": 5}
    status, exists = await patch(client, admin, show_id, {"add_categories": [bigger]})
    assert (status, exists["reason"]) == (409, "category_exists")
    await asyncio.sleep(1.1)  # the booking path's catalog is up to a second behind a change
    status, booked = await book(client, buyer, show_id, quantity=3, category="G")
    assert status == 201, booked
