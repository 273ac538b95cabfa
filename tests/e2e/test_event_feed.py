"""GET /events: the public part of the log, in order, for admins only."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from boxoffice.http import keys

from .actors import book, new_show, sign_up, tickets


async def feed(client: TestClient, headers: dict[str, str], **params: int) -> dict:  # type: ignore[type-arg]
    response = await client.get("/events", params=params, headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()  # type: ignore[no-any-return]


async def test_an_admin_pages_through_the_whole_log_in_order(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    customer = await sign_up(client)
    _, booked = await book(client, customer, await new_show(client, admin))
    await tickets(client, customer, booked["booking_id"])
    head = await client.app[keys.EVENT_STORE].head_position()
    seen, after = [], 0
    while True:
        page = await feed(client, admin.headers, after=after, limit=2)
        if not page["items"]:
            assert page["next_after"] == after
            break
        assert len(page["items"]) <= 2
        seen += page["items"]
        after = page["next_after"]
        assert after == page["items"][-1]["position"]
    positions = [item["position"] for item in seen]
    assert positions == sorted(set(positions)) and positions[-1] == head
    types = [item["type"] for item in seen]
    assert types[:2] == ["UserRegistered", "RoleGranted"]
    assert types[-3:] == ["BookingRequested", "BookingConfirmed", "TicketIssued"]
    assert "secret" not in seen[-1]["data"] and seen[-1]["data"]["seat"] == 0
    assert set(seen[0]) == {"id", "position", "stream", "type", "data", "recorded_at"}


async def test_the_feed_never_shows_a_password_hash(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    customer = await sign_up(client)
    stored = [e async for e in client.app[keys.EVENT_STORE].read_all()]
    hashes = [e.data["password_hash"] for e in stored if e.type == "UserRegistered"]
    page = await feed(client, admin.headers, limit=1000)
    text = json.dumps(page)
    assert hashes and not any(h in text for h in hashes)
    assert "password_hash" not in text
    registered = [i["data"] for i in page["items"] if i["type"] == "UserRegistered"]
    assert {"user_id": customer.user_id, "email": customer.email} in [
        {"user_id": d["user_id"], "email": d["email"]} for d in registered
    ]


async def test_a_customer_is_refused_the_feed(client: TestClient) -> None:
    customer = await sign_up(client)
    response = await client.get("/events", headers=customer.headers)
    assert response.status == 403
    assert response.content_type == "application/problem+json"


async def test_the_feed_needs_a_token(client: TestClient) -> None:
    response = await client.get("/events")
    assert response.status == 401
    assert response.content_type == "application/problem+json"


async def test_a_page_of_more_than_a_thousand_is_refused(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    for limit in ("0", "1001", "ten"):
        response = await client.get("/events", params={"limit": limit}, headers=admin.headers)
        assert response.status == 422, limit
