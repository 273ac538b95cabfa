"""Properties of one inventory under random book/cancel histories, decided in random batches.

Whatever the users, quantities, capacities, per-user limits, repeated booking ids
and cancels of unknown or other users' bookings: seats are never oversold, no
user ever holds more than the limit, and replaying the log rebuilds the state.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from boxoffice.domain.decisions import Command, decide_each
from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    Event,
)
from boxoffice.domain.inventory import (
    CancelBooking,
    Inventory,
    RequestBooking,
    UnknownBooking,
    fold,
    open_inventory,
)

USERS = ("ann", "bob", "cyd", "dee")
# A small pool of ids, so booking ids repeat and cancels hit unknown ids ("b9" is never booked).
BOOKING_IDS = tuple(f"b{n}" for n in range(9))
CANCEL_IDS = (*BOOKING_IDS, "b9")

FUZZ = settings(max_examples=150, deadline=None)

requests = st.builds(
    RequestBooking,
    booking_id=st.sampled_from(BOOKING_IDS),
    show_id=st.just("show"),
    category=st.just("A"),
    user_id=st.sampled_from(USERS),
    quantity=st.integers(1, 5),
)
cancels = st.builds(
    CancelBooking,
    booking_id=st.sampled_from(CANCEL_IDS),
    cancelled_by=st.sampled_from(USERS),
    as_admin=st.booleans(),
)
commands = st.one_of(requests, cancels)


@dataclass
class History:
    opened: list[Event]
    produced: list[Event]
    state: Inventory
    """The state the batches left, evolved incrementally (never replayed)."""


@st.composite
def histories(draw: st.DrawFn) -> History:
    capacity = draw(st.integers(1, 20))
    limit = draw(st.none() | st.integers(1, 8))
    opened = open_inventory("show", "A", capacity, limit)
    state = fold(opened)
    produced: list[Event] = []
    arrivals = draw(st.lists(commands, max_size=40))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(arrivals) - 1)), max_size=8)))
    for start, end in zip([0, *cuts], [*cuts, len(arrivals)], strict=True):
        outcome = decide_each(state, arrivals[start:end], 0)
        state = outcome.state
        produced.extend(outcome.events)
    return History(opened, produced, state)


def replayed_steps(history: History) -> list[Inventory]:
    """The state after each produced event, folded from scratch."""
    state, steps = fold(history.opened), []
    for event in history.produced:
        fold([event], state)
        steps.append(state.copy())
    return steps


def seats(events: list[Event], kind: type[Event]) -> int:
    return sum(getattr(e, "quantity", 0) for e in events if isinstance(e, kind))


@FUZZ
@given(histories())
def test_availability_stays_between_zero_and_capacity_after_every_event(history: History) -> None:
    for step in replayed_steps(history):
        assert 0 <= step.categories["A"].available <= step.categories["A"].capacity


@FUZZ
@given(histories())
def test_confirmed_minus_cancelled_seats_equal_the_seats_taken_after_every_event(
    history: History,
) -> None:
    for n, step in enumerate(replayed_steps(history), start=1):
        so_far = history.produced[:n]
        taken = seats(so_far, BookingConfirmed) - seats(so_far, BookingCancelled)
        assert taken == step.categories["A"].capacity - step.categories["A"].available


@FUZZ
@given(histories())
def test_no_user_ever_holds_more_than_the_per_user_limit(history: History) -> None:
    for step in replayed_steps(history):
        assert all(held >= 0 for held in step.held_by_user.values())
        if step.per_user_limit is not None:
            assert max(step.held_by_user.values(), default=0) <= step.per_user_limit


@FUZZ
@given(histories())
def test_replaying_the_log_from_scratch_gives_the_incremental_state(history: History) -> None:
    assert fold([*history.opened, *history.produced]) == history.state
    assert history.state.version == len(history.opened) + len(history.produced)


@FUZZ
@given(histories())
def test_each_booking_id_is_requested_once_and_decided_once(history: History) -> None:
    requested = [e.booking_id for e in history.produced if isinstance(e, BookingRequested)]
    decided = [
        e.booking_id for e in history.produced if isinstance(e, BookingConfirmed | BookingRejected)
    ]
    assert sorted(requested) == sorted(set(requested)) == sorted(decided)


@FUZZ
@given(histories())
def test_a_booking_is_cancelled_at_most_once_and_only_after_its_confirmation(
    history: History,
) -> None:
    confirmed: set[str] = set()
    cancelled: set[str] = set()
    for event in history.produced:
        if isinstance(event, BookingConfirmed):
            confirmed.add(event.booking_id)
        if isinstance(event, BookingCancelled):
            assert event.booking_id in confirmed - cancelled
            cancelled.add(event.booking_id)


@FUZZ
@given(histories(), st.lists(commands, min_size=1, max_size=6))
def test_deciding_a_batch_leaves_the_given_state_untouched(
    history: History, batch: list[Command]
) -> None:
    before = history.state.copy()
    decide_each(history.state, batch, 0)
    assert history.state == before


@FUZZ
@given(histories(), cancels)
def test_a_cancel_by_someone_else_who_is_not_an_admin_changes_nothing(
    history: History, cancel: CancelBooking
) -> None:
    booking = history.state.bookings.get(cancel.booking_id)
    owned = booking is not None and booking.user_id == cancel.cancelled_by
    stranger = CancelBooking("b9" if owned else cancel.booking_id, cancel.cancelled_by)
    outcome = decide_each(history.state, [stranger], 0)
    assert outcome.events == []
    assert isinstance(outcome.refusals[0], UnknownBooking)
    assert outcome.state == history.state
