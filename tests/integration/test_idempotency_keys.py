"""Idempotency-Key records against the real store."""

from __future__ import annotations

import asyncio

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.idempotency import (
    IdempotencyKeys,
    KeyInFlight,
    KeyReusedWithAnotherBody,
    StoredResponse,
    booking_id_for,
)


@pytest.fixture
async def keys(database: AsyncDatabase[dict]) -> IdempotencyKeys:
    keys = IdempotencyKeys(database.idempotency)
    await keys.ensure_indexes()
    return keys


async def test_the_first_claim_owns_the_request(keys: IdempotencyKeys) -> None:
    assert await keys.claim("u1", "k1", "f") is None


async def test_a_twin_while_the_first_is_in_flight_is_refused(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    with pytest.raises(KeyInFlight):
        await keys.claim("u1", "k1", "f")


async def test_a_finished_request_replays_its_stored_response(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    await keys.complete("u1", "k1", StoredResponse(201, {"booking_id": "b"}))
    assert await keys.claim("u1", "k1", "f") == StoredResponse(201, {"booking_id": "b"})


async def test_the_same_key_with_another_body_is_refused(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    with pytest.raises(KeyReusedWithAnotherBody):
        await keys.claim("u1", "k1", "other")


async def test_keys_are_scoped_to_their_user(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    assert await keys.claim("u2", "k1", "f") is None
    assert booking_id_for("u1", "k1") != booking_id_for("u2", "k1")


async def test_a_released_claim_is_taken_over_by_the_retry(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    await keys.release("u1", "k1")
    assert await keys.claim("u1", "k1", "f") is None


async def test_of_concurrent_claims_exactly_one_owns_the_request(keys: IdempotencyKeys) -> None:
    async def attempt() -> bool:
        try:
            return await keys.claim("u1", "k1", "f") is None
        except KeyInFlight:
            return False

    assert (await asyncio.gather(*(attempt() for _ in range(20)))).count(True) == 1


async def test_of_concurrent_takeovers_of_a_dead_claim_exactly_one_wins(
    keys: IdempotencyKeys,
) -> None:
    await keys.claim("u1", "k1", "f")
    await keys.release("u1", "k1")

    async def attempt() -> bool:
        try:
            return await keys.claim("u1", "k1", "f") is None
        except KeyInFlight:
            return False

    assert (await asyncio.gather(*(attempt() for _ in range(20)))).count(True) == 1
