"""Pure decisions of one inventory: capacity, per-user limits, idempotency, cancellation."""

from __future__ import annotations

import uuid

import pytest

from boxoffice.domain.decisions import decide_batch, decide_each
from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    Event,
)
from boxoffice.domain.inventory import (
    CANCELLED,
    CONFIRMED,
    INSUFFICIENT_AVAILABILITY,
    PER_USER_LIMIT,
    SOLD_OUT,
    BookingNotCancellable,
    CancelBooking,
    Inventory,
    RequestBooking,
    UnknownBooking,
    decide_booking,
    decide_cancel,
    fold,
    open_inventory,
)

NOW_MS = 1_800_000_000_000


def book_now(state: Inventory, command: RequestBooking) -> list[Event]:
    return decide_booking(state, command, NOW_MS)


def opened(capacity: int, per_user_limit: int | None = None) -> Inventory:
    return fold(open_inventory("show", "A", capacity, per_user_limit))


def request(quantity: int = 1, user: str = "u1", booking_id: str | None = None) -> RequestBooking:
    return RequestBooking(booking_id or uuid.uuid4().hex, "show", "A", user, quantity)


def test_a_booking_within_capacity_is_requested_then_confirmed() -> None:
    events = book_now(opened(5), request(2))
    assert [type(e) for e in events] == [BookingRequested, BookingConfirmed]


def test_confirmed_seats_leave_availability() -> None:
    state = opened(5)
    fold(book_now(state, request(2)), state)
    assert state.categories["A"].available == 3


def test_a_booking_on_a_sold_out_inventory_is_rejected_as_sold_out() -> None:
    state = opened(1)
    fold(book_now(state, request(1)), state)
    rejected = book_now(state, request(1))[-1]
    assert isinstance(rejected, BookingRejected) and rejected.reason == SOLD_OUT


def test_more_seats_than_left_is_insufficient_availability() -> None:
    rejected = book_now(opened(2), request(3))[-1]
    assert isinstance(rejected, BookingRejected) and rejected.reason == INSUFFICIENT_AVAILABILITY


def test_the_per_user_limit_holds_across_several_requests() -> None:
    state = opened(10, per_user_limit=3)
    fold(book_now(state, request(2)), state)
    rejected = book_now(state, request(2))[-1]
    assert isinstance(rejected, BookingRejected) and rejected.reason == PER_USER_LIMIT


def test_the_per_user_limit_does_not_bind_other_users() -> None:
    state = opened(10, per_user_limit=3)
    fold(book_now(state, request(3, user="u1")), state)
    assert isinstance(book_now(state, request(3, user="u2"))[-1], BookingConfirmed)


def test_a_booking_id_already_decided_produces_no_new_events() -> None:
    state = opened(5)
    fold(book_now(state, request(1, booking_id="b1")), state)
    assert book_now(state, request(1, booking_id="b1")) == []


def test_a_batch_is_decided_in_arrival_order_and_leaves_the_state_untouched() -> None:
    state = opened(3)
    events, after = decide_batch(state, [request(2), request(2), request(1)])
    outcomes = [type(e).__name__ for e in events if not isinstance(e, BookingRequested)]
    assert outcomes == ["BookingConfirmed", "BookingRejected", "BookingConfirmed"]
    assert (state.categories["A"].available, after.categories["A"].available) == (3, 0)


def test_the_same_booking_id_twice_in_one_batch_is_decided_once() -> None:
    events, _ = decide_batch(opened(3), [request(1, booking_id="b"), request(1, booking_id="b")])
    assert len(events) == 2


def test_cancelling_a_confirmed_booking_returns_its_seats() -> None:
    state = opened(2)
    fold(book_now(state, request(2, booking_id="b1")), state)
    fold(decide_cancel(state, CancelBooking("b1", "u1")), state)
    assert (state.categories["A"].available, state.bookings["b1"].status) == (2, CANCELLED)


def test_a_cancelled_booking_cannot_be_cancelled_again() -> None:
    state = opened(2)
    fold(book_now(state, request(1, booking_id="b1")), state)
    fold(decide_cancel(state, CancelBooking("b1", "u1")), state)
    with pytest.raises(BookingNotCancellable):
        decide_cancel(state, CancelBooking("b1", "u1"))


def test_a_rejected_booking_cannot_be_cancelled() -> None:
    state = opened(1)
    fold(book_now(state, request(2, booking_id="b1")), state)
    with pytest.raises(BookingNotCancellable):
        decide_cancel(state, CancelBooking("b1", "u1"))


def test_cancellation_frees_the_per_user_allowance() -> None:
    state = opened(10, per_user_limit=2)
    fold(book_now(state, request(2, booking_id="b1")), state)
    fold(decide_cancel(state, CancelBooking("b1", "u1")), state)
    assert state.bookings["b1"].status == CANCELLED
    assert isinstance(book_now(state, request(2))[-1], BookingConfirmed)


def test_cancel_event_records_who_cancelled() -> None:
    state = opened(2)
    fold(book_now(state, request(1, booking_id="b1")), state)
    (event,) = decide_cancel(state, CancelBooking("b1", "admin-7", as_admin=True))
    assert isinstance(event, BookingCancelled) and event.cancelled_by == "admin-7"
    assert state.bookings["b1"].status == CONFIRMED


def test_another_users_booking_cannot_be_cancelled_and_looks_unknown() -> None:
    state = opened(2)
    fold(book_now(state, request(1, user="owner", booking_id="b1")), state)
    with pytest.raises(UnknownBooking):
        decide_cancel(state, CancelBooking("b1", "intruder"))


def test_an_admin_may_cancel_anyones_booking() -> None:
    state = opened(2)
    fold(book_now(state, request(1, user="owner", booking_id="b1")), state)
    assert decide_cancel(state, CancelBooking("b1", "admin", as_admin=True))


def test_a_mixed_batch_records_a_refusal_without_stopping_the_rest() -> None:
    state = opened(2)
    outcome = decide_each(state, [CancelBooking("nope", "u1"), request(1)], 0)
    assert isinstance(outcome.refusals[0], UnknownBooking) and outcome.refusals[1] is None
    assert outcome.state.categories["A"].available == 1


def two_categories(per_user_limit: int) -> Inventory:
    return fold(
        open_inventory("show", "A", 10, per_user_limit)
        + open_inventory("show", "B", 10, per_user_limit)
    )


def test_the_per_user_limit_counts_seats_across_every_category_of_the_show() -> None:
    state = two_categories(per_user_limit=4)
    in_a = RequestBooking("b1", "show", "A", "u1", 3)
    in_b = RequestBooking("b2", "show", "B", "u1", 2)
    outcome = decide_each(state, [in_a, in_b], 0)
    assert [type(e) for e in outcome.events][-1] is BookingRejected
    assert outcome.state.bookings["b2"].reason == PER_USER_LIMIT


def request_in(category: str) -> RequestBooking:
    return RequestBooking(uuid.uuid4().hex, "show", category, "u2", 1)


def test_each_category_keeps_its_own_seats() -> None:
    state = two_categories(per_user_limit=20)
    fold(book_now(state, RequestBooking("b1", "show", "A", "u1", 10)), state)
    assert (state.categories["A"].available, state.categories["B"].available) == (0, 10)
    assert isinstance(book_now(state, request_in("B"))[-1], BookingConfirmed)
    assert book_now(state, request_in("A"))[-1].reason == SOLD_OUT  # type: ignore[attr-defined]


def test_a_category_the_show_does_not_have_is_rejected() -> None:
    events = book_now(opened(5), RequestBooking("b1", "show", "Z", "u1", 1))
    assert isinstance(events[-1], BookingRejected) and events[-1].reason == "unknown_category"
