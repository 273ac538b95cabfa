"""Broken object-level authorisation (OWASP API1): a booking is only its owner's (or an admin's).

Already proven in tests/e2e/test_booking_api.py: another user's booking is a 404
for status and cancel, an admin reads anyone's booking, and the list of my
bookings holds only mine.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, book, new_show, sign_up, tickets
from .conftest import log_head


@pytest.fixture
async def owner(client: TestClient) -> Actor:
    return await sign_up(client)


@pytest.fixture
async def intruder(client: TestClient) -> Actor:
    return await sign_up(client)


@pytest.fixture
async def booked(client: TestClient, owner: Actor) -> dict[str, Any]:
    admin = await sign_up(client, admin=True)
    show_id = await new_show(client, admin, capacity=5)
    status, body = await book(client, owner, show_id, quantity=2)
    assert status == 201
    await tickets(client, owner, body["booking_id"])  # the log is quiet from here on
    return body


async def status_of(client: TestClient, actor: Actor, booking_id: str) -> Any:
    return await client.get(
        "/booking/tickets/status", params={"booking_id": booking_id}, headers=actor.headers
    )


async def cancel(client: TestClient, actor: Actor, booking_id: str) -> Any:
    return await client.post(
        "/booking/tickets/cancel", json={"booking_id": booking_id}, headers=actor.headers
    )


async def test_another_users_booking_looks_exactly_like_an_unknown_one(
    client: TestClient, intruder: Actor, booked: dict[str, Any]
) -> None:
    theirs = await status_of(client, intruder, booked["booking_id"])
    unknown = await status_of(client, intruder, "no-such-booking")
    assert theirs.status == unknown.status == 404
    assert await theirs.json() == await unknown.json()


async def test_cancelling_another_users_booking_looks_exactly_like_an_unknown_one(
    client: TestClient, intruder: Actor, booked: dict[str, Any]
) -> None:
    theirs = await cancel(client, intruder, booked["booking_id"])
    unknown = await cancel(client, intruder, "no-such-booking")
    assert theirs.status == unknown.status == 404
    assert await theirs.json() == await unknown.json()


async def test_a_refused_cancel_of_another_users_booking_changes_nothing(
    client: TestClient, owner: Actor, intruder: Actor, booked: dict[str, Any]
) -> None:
    before = await log_head(client)
    await cancel(client, intruder, booked["booking_id"])
    after = await (await status_of(client, owner, booked["booking_id"])).json()
    show = await (await client.get(f"/shows/{booked['show_id']}")).json()
    assert await log_head(client) == before
    assert after["status"] == "confirmed"
    assert show["categories"][0]["available"] == 3


async def test_an_admin_may_cancel_anyones_booking(
    client: TestClient, owner: Actor, booked: dict[str, Any]
) -> None:
    admin = await sign_up(client, admin=True)
    response = await cancel(client, admin, booked["booking_id"])
    assert (response.status, (await response.json())["status"]) == (200, "cancelled")
