"""Webhooks: subscriptions for admins, and signed deliveries to a real receiver on loopback."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.http import keys
from boxoffice.http.app import create_app
from boxoffice.settings import Settings
from tests.webhook_receiver import Receiver

from .actors import Actor, book, new_show, sign_up

BOOKINGS = ["BookingRequested", "BookingConfirmed", "BookingRejected", "BookingCancelled"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"webhook_retry_base_seconds": 0.05, "webhook_timeout_seconds": 2.0}
    )


@pytest.fixture
async def admin(client: TestClient) -> Actor:
    return await sign_up(client, admin=True)


async def subscribe(
    client: TestClient, admin: Actor, url: str, events: list[str] = BOOKINGS
) -> dict[str, Any]:
    response = await client.post(
        "/webhooks", json={"url": url, "events": events}, headers=admin.headers
    )
    assert response.status == 201, await response.text()
    return await response.json()  # type: ignore[no-any-return]


async def listed(client: TestClient, admin: Actor) -> list[dict[str, Any]]:
    response = await client.get("/webhooks", headers=admin.headers)
    assert response.status == 200, await response.text()
    return (await response.json())["items"]  # type: ignore[no-any-return]


async def sell(client: TestClient, admin: Actor, seats: int) -> str:
    """A show and ``seats`` one-seat bookings by one customer; the show's id."""
    customer = await sign_up(client)
    show_id = await new_show(client, admin, capacity=seats)
    for _ in range(seats):
        status, _ = await book(client, customer, show_id)
        assert status == 201
    return show_id


async def logged(client: TestClient, after: int, types: list[str]) -> list[str]:
    """The ids of the events of ``types`` after ``after``, in log order."""
    store = client.app[keys.EVENT_STORE]
    return [e.event_id async for e in store.read_all(after) if e.type in types]


async def becomes(check: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "not within the bound"
        await asyncio.sleep(0.05)


async def test_a_subscription_shows_its_secret_once_and_can_be_deleted(
    client: TestClient, admin: Actor, receiver: Receiver
) -> None:
    created = await subscribe(client, admin, receiver.url)
    assert created["secret"].startswith("whsec_")
    [shown] = await listed(client, admin)
    assert shown["webhook_id"] == created["webhook_id"] and shown["status"] == "active"
    assert "secret" not in shown and created["secret"] not in str(shown)
    deleted = await client.delete(f"/webhooks/{created['webhook_id']}", headers=admin.headers)
    assert deleted.status == 204
    assert await listed(client, admin) == []
    again = await client.delete(f"/webhooks/{created['webhook_id']}", headers=admin.headers)
    assert again.status == 404


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "/relative",
        "https://user:pw@example.com/",
    ],
)
async def test_a_url_that_is_not_plain_http_or_https_is_refused(
    client: TestClient, admin: Actor, url: str
) -> None:
    response = await client.post(
        "/webhooks", json={"url": url, "events": BOOKINGS}, headers=admin.headers
    )
    assert response.status == 422
    assert (await response.json())["errors"][0]["field"] == "url"


async def test_unknown_event_types_are_refused(client: TestClient, admin: Actor) -> None:
    body = {"url": "https://example.com/hook", "events": ["NoSuchEvent"]}
    response = await client.post("/webhooks", json=body, headers=admin.headers)
    assert response.status == 422


async def test_a_customer_can_neither_subscribe_nor_list(client: TestClient) -> None:
    customer = await sign_up(client)
    body = {"url": "https://example.com/hook", "events": BOOKINGS}
    assert (await client.post("/webhooks", json=body, headers=customer.headers)).status == 403
    assert (await client.get("/webhooks", headers=customer.headers)).status == 403
    assert (await client.delete("/webhooks/x", headers=customer.headers)).status == 403
    assert (await client.get("/webhooks")).status == 401


async def test_every_delivery_is_signed_with_the_secret_over_the_raw_body(
    client: TestClient, admin: Actor, receiver: Receiver
) -> None:
    created = await subscribe(client, admin, receiver.url)
    await sell(client, admin, 1)
    await receiver.wait_for(2)
    for delivery in receiver.deliveries:
        assert delivery.signed_with(created["secret"])
        assert not delivery.signed_with("whsec_another")
        assert delivery.payload["webhook_id"] == created["webhook_id"]
        assert set(delivery.payload) >= {"id", "position", "stream", "type", "data", "recorded_at"}


async def test_events_arrive_in_log_order_and_other_types_are_skipped(
    client: TestClient, admin: Actor, receiver: Receiver
) -> None:
    after = await client.app[keys.EVENT_STORE].head_position()
    await subscribe(client, admin, receiver.url, ["BookingConfirmed", "ShowCreated"])
    await sell(client, admin, 5)
    expected = await logged(client, after, ["BookingConfirmed", "ShowCreated"])
    assert len(expected) == 6
    got = await receiver.wait_for(6)
    assert [p["id"] for p in got] == expected
    assert [p["type"] for p in got] == ["ShowCreated"] + ["BookingConfirmed"] * 5


async def test_a_receiver_that_fails_or_redirects_then_recovers_gets_every_event_in_order(
    client: TestClient, admin: Actor, receiver: Receiver
) -> None:
    receiver.scripted = [500, 302, 503, 500]
    after = await client.app[keys.EVENT_STORE].head_position()
    created = await subscribe(client, admin, receiver.url)
    await sell(client, admin, 3)
    expected = await logged(client, after, BOOKINGS)
    got = await receiver.wait_for(len(expected))
    assert [p["id"] for p in got] == expected
    assert [d.status for d in receiver.deliveries[:5]] == [500, 302, 503, 500, 200]
    failed_ids = {d.payload["id"] for d in receiver.deliveries[:5]}
    assert failed_ids == {expected[0]}, "the first event is retried until acknowledged"
    [shown] = await listed(client, admin)
    assert shown["webhook_id"] == created["webhook_id"] and shown["failed_attempts"] == 0
    assert shown["status"] == "active"


async def test_a_410_disables_the_subscription_at_once(
    client: TestClient, admin: Actor, receiver: Receiver
) -> None:
    receiver.scripted = [410]
    await subscribe(client, admin, receiver.url)
    await sell(client, admin, 2)

    async def disabled() -> bool:
        [shown] = await listed(client, admin)
        return shown["status"] == "disabled"

    await becomes(disabled)
    [shown] = await listed(client, admin)
    assert shown["disabled_reason"] == "gone"
    await asyncio.sleep(0.5)
    assert len(receiver.deliveries) == 1


async def test_a_receiver_failing_past_the_give_up_time_is_disabled(
    aiohttp_client: Any, settings: Settings, mongo_uri: str, database: Any, receiver: Receiver
) -> None:
    quick = settings.model_copy(update={"webhook_give_up_seconds": 0.3})
    client = await aiohttp_client(create_app(quick, mongo_uri))
    admin = await sign_up(client, admin=True)
    receiver.scripted = [500] * 1000
    await subscribe(client, admin, receiver.url)
    await sell(client, admin, 1)

    async def disabled() -> bool:
        [shown] = await listed(client, admin)
        return shown["status"] == "disabled"

    await becomes(disabled)
    [shown] = await listed(client, admin)
    assert shown["disabled_reason"] == "failing" and shown["last_error"] == "HTTP 500"
    assert len(receiver.deliveries) > 1


async def test_two_dispatchers_on_one_database_never_deliver_one_event_twice_at_once(
    aiohttp_client: Any,
    client: TestClient,
    settings: Settings,
    mongo_uri: str,
    admin: Actor,
    receiver: Receiver,
) -> None:
    await aiohttp_client(create_app(settings, mongo_uri))  # a second dispatcher, same database
    receiver.delay = 0.02
    after = await client.app[keys.EVENT_STORE].head_position()
    await subscribe(client, admin, receiver.url)
    await sell(client, admin, 10)
    expected = await logged(client, after, BOOKINGS)
    got = await receiver.wait_for(len(expected))
    assert [p["id"] for p in got] == expected
    assert receiver.most_in_flight == 1
    assert len(receiver.acknowledged()) == len(expected), "no event was delivered twice"


async def test_an_operator_can_refuse_loopback_and_private_destinations(
    aiohttp_client: Any, settings: Settings, mongo_uri: str, database: Any, receiver: Receiver
) -> None:
    public_only = settings.model_copy(update={"webhook_allow_private": False})
    client = await aiohttp_client(create_app(public_only, mongo_uri))
    admin = await sign_up(client, admin=True)
    for url in (receiver.url, "http://10.0.0.1/hook", "http://localhost:8080/hook"):
        body = {"url": url, "events": BOOKINGS}
        response = await client.post("/webhooks", json=body, headers=admin.headers)
        assert response.status == 422, url
    assert await listed(client, admin) == []
