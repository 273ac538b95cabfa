"""Booking requests recorded but never decided (their process died) are decided by any process."""

from __future__ import annotations

import functools
import uuid

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.booking_queue import BookingQueues
from boxoffice.commands.booking_requests import BookingRequest, BookingRequests, OrderRequest
from boxoffice.commands.request_recovery import RequestRecovery
from boxoffice.commands.shows import add_show
from boxoffice.domain.inventory import OrderLine
from boxoffice.domain.shows import Category, CreateShow
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import MongoEventStore, RecordedEvent


async def nothing_known(booking_ids: list[str]) -> set[str]:
    return set()


async def known_from_log(store: MongoEventStore, show_id: str, ids: list[str]) -> set[str]:
    events = await store.read_stream(inventory_stream(show_id))
    return {e.data["booking_id"] for e in events if "booking_id" in e.data}


@pytest.fixture
async def store(database: AsyncDatabase[dict]) -> MongoEventStore:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    return store


@pytest.fixture
async def requests(database: AsyncDatabase[dict]) -> BookingRequests:
    requests = BookingRequests(database.requests, lease_seconds=5)
    await requests.ensure_indexes()
    return requests


async def new_show(store: MongoEventStore) -> str:
    show_id = uuid.uuid4().hex
    category = Category("A", "Floor", "10", "EUR", 10)
    await add_show(
        store, CreateShow(show_id, "Gig", "Hall", "2027-01-01T20:00:00Z", (category,), None, "a")
    )
    return show_id


def recovery(
    requests: BookingRequests,
    queues: BookingQueues,
    database: AsyncDatabase[dict],
    known: object = nothing_known,
) -> RequestRecovery:
    return RequestRecovery(
        requests,
        queues,
        known,  # type: ignore[arg-type]
        database.followers,
        stale_seconds=0,
        interval_seconds=0.1,
    )


async def decisions(store: MongoEventStore, show_id: str) -> list[RecordedEvent]:
    events = await store.read_stream(inventory_stream(show_id))
    return [e for e in events if e.type in ("BookingConfirmed", "BookingRejected")]


async def test_a_recorded_request_nobody_decided_is_decided_by_a_sweep(
    store: MongoEventStore, requests: BookingRequests, database: AsyncDatabase[dict]
) -> None:
    show_id = await new_show(store)
    await requests.record(BookingRequest(uuid.uuid4().hex, "u1", show_id, "A", 2))
    queues = BookingQueues(store, batch_max=8)
    recovered = await recovery(requests, queues, database).sweep()
    await queues.close()
    assert recovered == 1
    assert [e.data["quantity"] for e in await decisions(store, show_id)] == [2]


async def test_a_recorded_order_nobody_decided_is_placed_by_a_sweep(
    store: MongoEventStore, requests: BookingRequests, database: AsyncDatabase[dict]
) -> None:
    show_id = await new_show(store)
    line = OrderLine("A", 3, "10", "EUR")
    await requests.record(OrderRequest(uuid.uuid4().hex, "u1", show_id, (line,), 600))
    queues = BookingQueues(store, batch_max=8)
    recovered = await recovery(requests, queues, database).sweep()
    await queues.close()
    events = await store.read_stream(inventory_stream(show_id))
    assert recovered == 1
    assert [e.data["items"][0]["quantity"] for e in events if e.type == "OrderPlaced"] == [3]


async def test_two_processes_recovering_one_request_decide_it_once(
    store: MongoEventStore, requests: BookingRequests, database: AsyncDatabase[dict]
) -> None:
    show_id = await new_show(store)
    await requests.record(BookingRequest(uuid.uuid4().hex, "u1", show_id, "A", 1))
    first = BookingQueues(MongoEventStore(database), batch_max=8)
    second = BookingQueues(MongoEventStore(database), batch_max=8)
    await recovery(requests, first, database).sweep()
    await recovery(requests, second, database).sweep()
    await first.close()
    await second.close()
    assert len(await decisions(store, show_id)) == 1


async def test_the_checkpoint_passes_requests_the_read_model_knows(
    store: MongoEventStore, requests: BookingRequests, database: AsyncDatabase[dict]
) -> None:
    show_id = await new_show(store)
    queues = BookingQueues(store, batch_max=8)
    request = BookingRequest(uuid.uuid4().hex, "u1", show_id, "A", 1)
    await requests.record(request)
    await queues.submit(show_id, request.command()).reply
    known = functools.partial(known_from_log, store, show_id)
    recovered = await recovery(requests, queues, database, known).sweep()
    await queues.close()
    checkpoint = await database.followers.find_one({"_id": "booking-requests"})
    assert recovered == 0 and checkpoint is not None and checkpoint["since_ms"] > 0
