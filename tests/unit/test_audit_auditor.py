"""The pure log audit, fed real events from the in-memory store, some of them tampered with."""

from __future__ import annotations

import dataclasses

from boxoffice.audit.auditor import LogAuditor
from boxoffice.audit.violations import (
    AVAILABILITY_OUT_OF_RANGE,
    CANCEL_WITHOUT_CONFIRMATION,
    CHAIN_BREAK,
    DECISION_WITHOUT_REQUEST,
    DOUBLE_CANCEL,
    DUPLICATE_DECISION,
    DUPLICATE_REQUEST,
    HASH_MISMATCH,
    MALFORMED_EVENT,
    PER_USER_LIMIT_EXCEEDED,
    POSITION_GAP,
    REQUEST_WITHOUT_DECISION,
    SEAT_ACCOUNTING,
    VERSION_GAP,
    Violation,
)
from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
)
from boxoffice.eventstore import InMemoryEventStore, NewEvent, RecordedEvent
from tests.audit_history import InventoryWriter, append, open_show, register_user


def audit(events: list[RecordedEvent]) -> list[Violation]:
    auditor = LogAuditor()
    found = [v for event in events for v in auditor.observe(event)]
    return found + auditor.finish()


def kinds(violations: list[Violation]) -> set[str]:
    return {v.kind for v in violations}


async def history() -> tuple[InMemoryEventStore, InventoryWriter]:
    """A show of 12 seats, 4 per user: four bookings, one rejected, one cancelled; 4 seats left."""
    store = InMemoryEventStore()
    await register_user(store, "ann@example.com")
    writer = await InventoryWriter.load(
        store, await open_show(store, capacity=12, per_user_limit=4)
    )
    first, *_ = await writer.book(("u1", 2), ("u2", 4), ("u1", 3))
    await writer.book(("u3", 4))
    await writer.cancel(first)
    return store, writer


async def log(store: InMemoryEventStore) -> list[RecordedEvent]:
    return [event async for event in store.read_all()]


def requested(
    writer: InventoryWriter, booking_id: str, user: str, quantity: int
) -> BookingRequested:
    return BookingRequested(booking_id, writer.show_id, writer.category, user, quantity)


def confirmed(
    writer: InventoryWriter, booking_id: str, user: str, quantity: int
) -> BookingConfirmed:
    return BookingConfirmed(booking_id, writer.show_id, writer.category, user, quantity)


async def test_a_realistic_history_has_no_violation_and_is_counted() -> None:
    store, _ = await history()
    auditor = LogAuditor()
    events = await log(store)
    assert [v for e in events for v in auditor.observe(e)] + auditor.finish() == []
    assert (auditor.events, auditor.streams, auditor.bookings) == (len(events), 3, 4)


async def test_an_event_changed_in_place_no_longer_matches_its_hash() -> None:
    store, _ = await history()
    events = await log(store)
    target = next(e for e in events if e.type == "BookingConfirmed")
    events[events.index(target)] = dataclasses.replace(target, data={**target.data, "quantity": 1})
    found = audit(events)
    assert (found[0].kind, found[0].positions) == (HASH_MISMATCH, (target.position,))
    assert {v.kind for v in found[1:]} <= {SEAT_ACCOUNTING}  # the edit also miscounts seats


async def test_a_removed_event_leaves_gaps_and_a_broken_chain() -> None:
    store, _ = await history()
    events = await log(store)
    removed = next(e for e in events if e.type == "BookingRejected")
    events.remove(removed)
    assert {POSITION_GAP, VERSION_GAP, CHAIN_BREAK} <= kinds(audit(events))


async def test_events_swapped_within_a_stream_break_versions_and_chain() -> None:
    store, _ = await history()
    events = await log(store)
    a, b = [i for i, e in enumerate(events) if e.type == "BookingRequested"][:2]
    events[a], events[b] = (
        dataclasses.replace(events[b], position=events[a].position),
        dataclasses.replace(events[a], position=events[b].position),
    )
    assert {VERSION_GAP, CHAIN_BREAK} <= kinds(audit(events))


async def test_a_stream_whose_first_event_links_to_a_predecessor_is_reported() -> None:
    store, _ = await history()
    events = await log(store)
    events[0] = dataclasses.replace(events[0], previous_hash=events[1].hash)
    assert kinds(audit(events)) == {HASH_MISMATCH, CHAIN_BREAK}


async def test_a_well_hashed_confirmation_beyond_capacity_is_caught_by_the_seat_count() -> None:
    store, writer = await history()
    forged = [requested(writer, "forged", "u9", 3), confirmed(writer, "forged", "u9", 3)]
    forged += [requested(writer, "forged2", "u8", 3), confirmed(writer, "forged2", "u8", 3)]
    await append(store, writer.stream, forged, writer.state.version)
    found = audit(await log(store))
    assert kinds(found) == {AVAILABILITY_OUT_OF_RANGE}
    assert found[0].positions == (await store.head_position(),)


async def test_confirmed_seats_beyond_the_per_user_limit_are_reported() -> None:
    store, writer = await history()
    forged = [requested(writer, "more", "u2", 1), confirmed(writer, "more", "u2", 1)]
    await append(store, writer.stream, forged, writer.state.version)
    assert kinds(audit(await log(store))) == {PER_USER_LIMIT_EXCEEDED}


async def test_seats_returned_by_a_cancellation_count_again_towards_the_limit() -> None:
    store, writer = await history()
    (again,) = await writer.book(("u1", 4))
    assert writer.state.bookings[again].status == "confirmed"
    assert audit(await log(store)) == []


async def test_a_decision_without_a_request_is_reported() -> None:
    store, writer = await history()
    await append(store, writer.stream, [confirmed(writer, "ghost", "u5", 1)], writer.state.version)
    assert kinds(audit(await log(store))) == {DECISION_WITHOUT_REQUEST}


async def test_a_second_decision_is_reported_with_both_positions() -> None:
    store, writer = await history()
    booking_id = next(iter(writer.state.bookings))
    earlier = await store.head_position()
    rejected = BookingRejected(booking_id, writer.show_id, "A", "u1", 2, "sold_out")
    await append(store, writer.stream, [rejected], writer.state.version)
    (violation,) = audit(await log(store))
    assert violation.kind == DUPLICATE_DECISION
    assert violation.positions[-1] == earlier + 1


async def test_a_request_never_decided_is_reported_at_the_end() -> None:
    store, writer = await history()
    await append(store, writer.stream, [requested(writer, "open", "u5", 1)], writer.state.version)
    (violation,) = audit(await log(store))
    assert (violation.kind, violation.positions) == (
        REQUEST_WITHOUT_DECISION,
        (await store.head_position(),),
    )


async def test_a_booking_id_requested_twice_is_reported() -> None:
    store, writer = await history()
    booking_id = next(iter(writer.state.bookings))
    await append(
        store, writer.stream, [requested(writer, booking_id, "u1", 1)], writer.state.version
    )
    assert kinds(audit(await log(store))) == {DUPLICATE_REQUEST}


async def test_cancelling_twice_is_a_double_cancel() -> None:
    store, writer = await history()
    booking_id = next(b for b, s in writer.state.bookings.items() if s.status == "cancelled")
    again = BookingCancelled(booking_id, writer.show_id, "A", "u1", 2, "u1")
    await append(store, writer.stream, [again], writer.state.version)
    assert kinds(audit(await log(store))) == {DOUBLE_CANCEL}


async def test_cancelling_a_rejected_booking_is_reported() -> None:
    store, writer = await history()
    booking_id = next(b for b, s in writer.state.bookings.items() if s.status == "rejected")
    cancel = BookingCancelled(booking_id, writer.show_id, "A", "u1", 3, "u1")
    await append(store, writer.stream, [cancel], writer.state.version)
    assert kinds(audit(await log(store))) == {CANCEL_WITHOUT_CONFIRMATION}


async def test_a_booking_event_missing_fields_is_malformed() -> None:
    store, writer = await history()
    malformed = NewEvent("BookingConfirmed", {"booking_id": "x"})
    await store.append(writer.stream, [malformed], writer.state.version)
    assert kinds(audit(await log(store))) == {MALFORMED_EVENT}


async def test_event_types_outside_the_domain_are_only_chained() -> None:
    store, _ = await history()
    await store.append("other", [NewEvent("SomethingElse", {"booking_id": "x"})], 0)
    assert audit(await log(store)) == []
