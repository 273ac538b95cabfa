"""The booking queue against the real store: order, batching, conflicts between processes."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.booking_queue import BookingQueues, Decided, InventoryNotOpen, Ticket
from boxoffice.commands.shows import add_show
from boxoffice.domain.inventory import (
    CANCELLED,
    CONFIRMED,
    REJECTED,
    SOLD_OUT,
    CancelBooking,
    RequestBooking,
    UnknownBooking,
)
from boxoffice.domain.shows import Category, CreateShow
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import MongoEventStore


@pytest.fixture
async def store(database: AsyncDatabase[dict]) -> MongoEventStore:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    return store


async def new_show(store: MongoEventStore, capacity: int, per_user_limit: int | None = None) -> str:
    show_id = uuid.uuid4().hex
    category = Category("A", "Stalls", "50.00", "EUR", capacity)
    await add_show(
        store,
        CreateShow(
            show_id, "Hamlet", "Globe", "2027-01-01T19:30:00Z", (category,), per_user_limit, "admin"
        ),
    )
    return show_id


def booking(
    show_id: str, user: str, quantity: int = 1, booking_id: str | None = None
) -> RequestBooking:
    return RequestBooking(booking_id or uuid.uuid4().hex, show_id, "A", user, quantity)


async def test_two_hundred_buyers_for_forty_seats_confirm_exactly_forty(
    store: MongoEventStore,
) -> None:
    show_id = await new_show(store, capacity=40)
    queues = BookingQueues(store, batch_max=64)
    replies = [queues.submit(show_id, booking(show_id, f"u{i}")).reply for i in range(200)]
    decided = await asyncio.gather(*replies)
    await queues.close()
    assert sum(d.status == CONFIRMED for d in decided) == 40
    assert {d.reason for d in decided if d.status == REJECTED} == {SOLD_OUT}


async def test_buyers_split_across_two_processes_never_oversell(
    database: AsyncDatabase[dict],
) -> None:
    first, second = MongoEventStore(database), MongoEventStore(database)
    await first.ensure_indexes()
    show_id = await new_show(first, capacity=30)
    queues = [BookingQueues(first, batch_max=8), BookingQueues(second, batch_max=8)]
    replies = [queues[i % 2].submit(show_id, booking(show_id, f"u{i}")).reply for i in range(120)]
    decided = await asyncio.gather(*replies)
    for q in queues:
        await q.close()
    events = await MongoEventStore(database).read_stream(inventory_stream(show_id))
    confirmed_in_log = sum(e.data["quantity"] for e in events if e.type == "BookingConfirmed")
    assert sum(d.status == CONFIRMED for d in decided) == confirmed_in_log == 30


async def test_requests_are_decided_in_arrival_order(store: MongoEventStore) -> None:
    show_id = await new_show(store, capacity=3)
    queues = BookingQueues(store, batch_max=100)
    replies = [
        queues.submit(show_id, booking(show_id, f"u{i}", quantity=q)).reply
        for i, q in enumerate([2, 2, 1])
    ]
    decided = await asyncio.gather(*replies)
    await queues.close()
    assert [d.status for d in decided] == [CONFIRMED, REJECTED, CONFIRMED]


async def test_a_whole_batch_lands_in_one_commit(store: MongoEventStore) -> None:
    show_id = await new_show(store, capacity=100)
    queues = BookingQueues(store, batch_max=100)
    replies = [queues.submit(show_id, booking(show_id, f"u{i}")).reply for i in range(20)]
    await asyncio.gather(*replies)
    await queues.close()
    events = await store.read_stream(inventory_stream(show_id))
    assert len({e.commit_id for e in events[1:]}) == 1


async def test_resubmitting_a_booking_id_returns_the_same_decision_without_new_events(
    store: MongoEventStore,
) -> None:
    show_id = await new_show(store, capacity=5)
    queues = BookingQueues(store, batch_max=10)
    request = booking(show_id, "u1", quantity=2)
    first: Decided = await queues.submit(show_id, request).reply
    again: Decided = await queues.submit(show_id, request).reply
    await queues.close()
    assert (first.booking_id, first.status) == (again.booking_id, again.status)
    assert len(await store.read_stream(inventory_stream(show_id))) == 3


async def test_a_fresh_process_sees_bookings_decided_by_another(
    database: AsyncDatabase[dict],
) -> None:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    show_id = await new_show(store, capacity=1)
    request = booking(show_id, "u1")
    before = BookingQueues(store, batch_max=4)
    await before.submit(show_id, request).reply
    await before.close()
    after = BookingQueues(MongoEventStore(database), batch_max=4)
    again = await after.submit(show_id, request).reply
    other = await after.submit(show_id, booking(show_id, "u2")).reply
    await after.close()
    assert (again.status, other.status, other.reason) == (CONFIRMED, REJECTED, SOLD_OUT)


async def test_cancel_returns_the_seats_through_the_same_queue(store: MongoEventStore) -> None:
    show_id = await new_show(store, capacity=1)
    queues = BookingQueues(store, batch_max=4)
    first = await queues.submit(show_id, booking(show_id, "u1")).reply
    cancelled = await queues.submit(show_id, CancelBooking(first.booking_id, "u1")).reply
    second = await queues.submit(show_id, booking(show_id, "u2")).reply
    await queues.close()
    assert (cancelled.status, second.status) == (CANCELLED, CONFIRMED)


async def test_cancelling_someone_elses_booking_is_refused_as_unknown(
    store: MongoEventStore,
) -> None:
    show_id = await new_show(store, capacity=1)
    queues = BookingQueues(store, batch_max=4)
    first = await queues.submit(show_id, booking(show_id, "owner")).reply
    with pytest.raises(UnknownBooking):
        await queues.submit(show_id, CancelBooking(first.booking_id, "intruder")).reply
    await queues.close()


async def test_booking_an_inventory_that_was_never_opened_appends_nothing(
    store: MongoEventStore,
) -> None:
    queues = BookingQueues(store, batch_max=4)
    with pytest.raises(InventoryNotOpen):
        await queues.submit("nope", booking("nope", "u1")).reply
    await queues.close()
    assert await store.read_stream(inventory_stream("nope")) == []


def finishing(result: object) -> asyncio.Future[object]:
    return asyncio.ensure_future(asyncio.sleep(0.05, result=result))


async def failing() -> bool:
    await asyncio.sleep(0.01)
    raise RuntimeError("the claim failed")


async def gated_then_plain(store: MongoEventStore) -> tuple[str, BookingQueues, Ticket, Ticket]:
    """One seat; a gated booking queued first, a plain one behind it."""
    show_id = await new_show(store, capacity=1)
    queues = BookingQueues(store, batch_max=10)
    gated = queues.submit(show_id, booking(show_id, "u1"), gated=True)
    behind = queues.submit(show_id, booking(show_id, "u2"))
    return show_id, queues, gated, behind


async def test_a_gated_booking_keeps_its_place_until_its_gate_opens(
    store: MongoEventStore,
) -> None:
    _, queues, gated, behind = await gated_then_plain(store)
    gated.open_when(finishing(True), bool)
    first, second = await asyncio.gather(gated.reply, behind.reply)
    await queues.close()
    assert (first.status, second.status, second.reason) == (CONFIRMED, REJECTED, SOLD_OUT)


async def test_a_booking_whose_gate_stays_shut_is_withdrawn_without_events(
    store: MongoEventStore,
) -> None:
    show_id, queues, gated, behind = await gated_then_plain(store)
    gated.open_when(finishing(False), bool)
    decided = await behind.reply
    await queues.close()
    assert gated.reply.cancelled() and decided.status == CONFIRMED
    assert len(await store.read_stream(inventory_stream(show_id))) == 3


async def test_a_gate_whose_task_fails_stays_shut(store: MongoEventStore) -> None:
    show_id = await new_show(store, capacity=1)
    queues = BookingQueues(store, batch_max=10)
    gated = queues.submit(show_id, booking(show_id, "u1"), gated=True)
    claim = asyncio.ensure_future(failing())
    gated.open_when(claim, bool)
    with pytest.raises(RuntimeError):
        await claim
    decided = await queues.submit(show_id, booking(show_id, "u2")).reply
    await queues.close()
    assert gated.reply.cancelled() and decided.status == CONFIRMED


async def test_one_buyer_across_categories_and_processes_stays_within_the_show_limit(
    database: AsyncDatabase[dict],
) -> None:
    first, second = MongoEventStore(database), MongoEventStore(database)
    await first.ensure_indexes()
    show_id = uuid.uuid4().hex
    categories = tuple(Category(code, code, "10.00", "EUR", 20) for code in "ABCDE")
    await add_show(
        first, CreateShow(show_id, "Gig", "Hall", "2027-01-01T19:30:00Z", categories, 4, "admin")
    )
    queues = [BookingQueues(first, batch_max=8), BookingQueues(second, batch_max=8)]
    requests = [RequestBooking(uuid.uuid4().hex, show_id, code, "buyer", 1) for code in "ABCDE" * 4]
    replies = [queues[i % 2].submit(show_id, r).reply for i, r in enumerate(requests)]
    decided = await asyncio.gather(*replies)
    for q in queues:
        await q.close()
    assert sum(d.status == CONFIRMED for d in decided) == 4


async def test_a_caller_that_stops_waiting_leaves_the_rest_of_its_batch_answered(
    store: MongoEventStore,
) -> None:
    show_id = await new_show(store, capacity=10)
    queues = BookingQueues(store, batch_max=64)
    abandoned, kept = (queues.submit(show_id, booking(show_id, f"u{i}")) for i in range(2))
    abandoned.reply.cancel()
    decided = await kept.reply
    await queues.close()
    assert isinstance(decided, Decided) and decided.status == CONFIRMED
    events = await store.read_stream(inventory_stream(show_id))
    assert sum(e.type == "BookingConfirmed" for e in events) == 2
