"""The booking inbox against the real store: records, Idempotency-Key claims, leases."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.booking_requests import (
    BookingRequest,
    BookingRequests,
    KeyReusedWithAnotherBody,
)


@pytest.fixture
async def requests(database: AsyncDatabase[dict]) -> BookingRequests:
    requests = BookingRequests(database.requests, lease_seconds=30)
    await requests.ensure_indexes()
    return requests


def request(user: str = "u1", key: str | None = "k1", quantity: int = 1) -> BookingRequest:
    return BookingRequest(uuid.uuid4().hex, user, "show", "A", quantity, key)


async def test_the_first_record_owns_the_request(requests: BookingRequests) -> None:
    first = request()
    recorded = await requests.record(first)
    assert recorded.first and recorded.request_id == first.booking_id


async def test_a_retry_gets_the_same_booking_id_while_the_lease_runs(
    requests: BookingRequests,
) -> None:
    first = await requests.record(request())
    again = await requests.record(request())
    assert (again.first, again.lease_running, again.request_id) == (False, True, first.request_id)


async def test_the_same_key_with_another_body_is_refused(requests: BookingRequests) -> None:
    await requests.record(request())
    with pytest.raises(KeyReusedWithAnotherBody):
        await requests.record(request(quantity=2))


async def test_keys_are_scoped_to_their_user(requests: BookingRequests) -> None:
    mine = await requests.record(request("u1"))
    theirs = await requests.record(request("u2"))
    assert theirs.first and theirs.request_id != mine.request_id


async def test_requests_without_a_key_are_each_recorded(requests: BookingRequests) -> None:
    recorded = [await requests.record(request(key=None)) for _ in range(3)]
    assert all(r.first for r in recorded) and len({r.request_id for r in recorded}) == 3


async def test_a_recorded_request_is_found_by_its_booking_id(requests: BookingRequests) -> None:
    made = request()
    await requests.record(made)
    found = await requests.find(made.booking_id)
    assert found is not None and found[0] == BookingRequest(made.booking_id, "u1", "show", "A", 1)


async def test_of_concurrent_records_exactly_one_is_first_and_all_share_its_booking_id(
    requests: BookingRequests,
) -> None:
    recorded = await asyncio.gather(*(requests.record(request()) for _ in range(20)))
    assert sum(r.first for r in recorded) == 1
    assert len({r.request_id for r in recorded}) == 1


async def test_concurrent_records_of_different_keys_all_succeed(
    requests: BookingRequests, database: AsyncDatabase[dict]
) -> None:
    recorded = await asyncio.gather(*(requests.record(request(key=f"k{i}")) for i in range(50)))
    assert all(r.first for r in recorded)
    assert await database.requests.count_documents({}) == 50
