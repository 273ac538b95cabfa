"""Idempotency-Key claims against the real store."""

from __future__ import annotations

import asyncio

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.idempotency import IdempotencyKeys, KeyReusedWithAnotherBody


@pytest.fixture
async def keys(database: AsyncDatabase[dict]) -> IdempotencyKeys:
    keys = IdempotencyKeys(database.idempotency, lease_seconds=30)
    await keys.ensure_indexes()
    return keys


async def test_the_first_claim_owns_the_request(keys: IdempotencyKeys) -> None:
    assert (await keys.claim("u1", "k1", "f")).first


async def test_a_retry_gets_the_same_booking_id_while_the_lease_runs(keys: IdempotencyKeys) -> None:
    first = await keys.claim("u1", "k1", "f")
    again = await keys.claim("u1", "k1", "f")
    assert (again.first, again.lease_running, again.booking_id) == (False, True, first.booking_id)


async def test_the_same_key_with_another_body_is_refused(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    with pytest.raises(KeyReusedWithAnotherBody):
        await keys.claim("u1", "k1", "other")


async def test_keys_are_scoped_to_their_user(keys: IdempotencyKeys) -> None:
    mine = await keys.claim("u1", "k1", "f")
    theirs = await keys.claim("u2", "k1", "f")
    assert theirs.first and theirs.booking_id != mine.booking_id


async def test_a_released_claim_lets_the_retry_go_ahead(keys: IdempotencyKeys) -> None:
    await keys.claim("u1", "k1", "f")
    await keys.release("u1", "k1")
    assert not (await keys.claim("u1", "k1", "f")).lease_running


async def test_of_concurrent_claims_exactly_one_is_first_and_all_share_its_booking_id(
    keys: IdempotencyKeys,
) -> None:
    claims = await asyncio.gather(*(keys.claim("u1", "k1", "f") for _ in range(20)))
    assert sum(c.first for c in claims) == 1
    assert len({c.booking_id for c in claims}) == 1


async def test_concurrent_claims_of_different_keys_all_succeed(
    keys: IdempotencyKeys, database: AsyncDatabase[dict]
) -> None:
    claims = await asyncio.gather(*(keys.claim("u1", f"k{i}", "f") for i in range(50)))
    assert all(c.first for c in claims)
    assert await database.idempotency.count_documents({}) == 50
