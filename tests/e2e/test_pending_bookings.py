"""A booking recorded but not decided yet (its process died, or the decision is late) reads as
pending from any process, and cancelling it says so instead of a 404."""

from __future__ import annotations

import uuid

from aiohttp.test_utils import TestClient

from boxoffice.commands.booking_requests import BookingRequest
from boxoffice.http import keys

from .actors import Actor, new_show, sign_up


async def recorded_elsewhere(client: TestClient, buyer: Actor, show_id: str) -> str:
    """A request recorded as another process would before deciding it, and left undecided."""
    booking_id = uuid.uuid4().hex
    requests = client.app[keys.BOOKING_REQUESTS]
    await requests.record(BookingRequest(booking_id, buyer.user_id, show_id, "A", 1))
    return booking_id


async def test_a_booking_recorded_by_another_process_reads_pending(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    booking_id = await recorded_elsewhere(client, buyer, await new_show(client, admin))
    response = await client.get(
        "/booking/tickets/status", params={"booking_id": booking_id}, headers=buyer.headers
    )
    assert response.status == 200
    assert (await response.json())["status"] == "pending"


async def test_cancelling_a_pending_booking_is_a_409_that_says_pending(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    booking_id = await recorded_elsewhere(client, buyer, await new_show(client, admin))
    response = await client.post(
        "/booking/tickets/cancel", json={"booking_id": booking_id}, headers=buyer.headers
    )
    body = await response.json()
    assert response.status == 409 and response.headers["Retry-After"]
    assert body["booking_status"] == "pending"


async def test_a_pending_booking_is_invisible_to_another_user(client: TestClient) -> None:
    admin, buyer, other = (await sign_up(client, admin=True), await sign_up(client),
                           await sign_up(client))  # fmt: skip
    booking_id = await recorded_elsewhere(client, buyer, await new_show(client, admin))
    response = await client.get(
        "/booking/tickets/status", params={"booking_id": booking_id}, headers=other.headers
    )
    assert response.status == 404
