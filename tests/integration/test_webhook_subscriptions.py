"""Webhook subscriptions on a real store: one lease holder at a time, a stale holder changes nothing."""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.webhooks.subscriptions import Subscriptions

LEASE_MS = 60_000


async def test_of_two_processes_claiming_one_subscription_exactly_one_wins(
    database: AsyncDatabase,
) -> None:
    subscriptions = Subscriptions(database["webhooks"])
    created = await subscriptions.create("http://127.0.0.1/hook", ["BookingConfirmed"], 0, "u1")
    claims = await asyncio.gather(
        *(subscriptions.claim(created["_id"], LEASE_MS) for _ in range(8))
    )
    assert sum(claim is not None for claim in claims) == 1
    assert await subscriptions.due() == []


async def test_an_expired_lease_is_taken_over_and_its_old_holder_changes_nothing(
    database: AsyncDatabase,
) -> None:
    subscriptions = Subscriptions(database["webhooks"])
    created = await subscriptions.create("http://127.0.0.1/hook", ["BookingConfirmed"], 0, "u1")
    first = await subscriptions.claim(created["_id"], lease_ms=0)
    assert first is not None
    second = await subscriptions.claim(created["_id"], LEASE_MS)
    assert second is not None
    assert not await subscriptions.hold(created["_id"], first[0], 50, LEASE_MS)
    assert not await subscriptions.delivered(created["_id"], first[0], 50, LEASE_MS)
    assert await subscriptions.delivered(created["_id"], second[0], 10, LEASE_MS)
    [shown] = await subscriptions.listed()
    assert shown["position"] == 10


async def test_a_subscription_waiting_for_its_retry_is_not_due(database: AsyncDatabase) -> None:
    subscriptions = Subscriptions(database["webhooks"])
    created = await subscriptions.create("http://127.0.0.1/hook", ["BookingConfirmed"], 0, "u1")
    claimed = await subscriptions.claim(created["_id"], LEASE_MS)
    assert claimed is not None
    failure = {"attempts": 1, "next_attempt_ms": 2**53, "failing_since_ms": 1, "last_error": "x"}
    assert await subscriptions.retry_later(created["_id"], claimed[0], 0, failure)
    assert await subscriptions.due() == []
    assert await subscriptions.claim(created["_id"], LEASE_MS) is None


async def test_the_listing_never_carries_a_secret(database: AsyncDatabase) -> None:
    subscriptions = Subscriptions(database["webhooks"])
    await subscriptions.create("http://127.0.0.1/hook", ["BookingConfirmed"], 0, "u1")
    [shown] = await subscriptions.listed()
    assert "secret" not in shown and "lease_owner" not in shown
