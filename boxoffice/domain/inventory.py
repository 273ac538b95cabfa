"""The seats of one show, every category: the consistency boundary for capacity and limits.

One stream per show holds every category's seats, so a decision sees the
whole show: the per-user limit counts a buyer's seats across all categories,
and an order of several categories is one atomic append.  ``evolve`` folds
events into state; ``decide_*`` are pure functions of (state, command) ->
events.  The same fold serves the booking worker, replay and the audit, so
"what the log says" and "what the service decided" cannot drift apart.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

from .events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    Event,
    InventoryOpened,
)

SOLD_OUT = "sold_out"
INSUFFICIENT_AVAILABILITY = "insufficient_availability"
PER_USER_LIMIT = "per_user_limit"
UNKNOWN_SHOW = "unknown_show"
UNKNOWN_CATEGORY = "unknown_category"

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
CANCELLED = "cancelled"


class UnknownBooking(KeyError):
    """No such booking in this inventory, or not one the requester may see."""


class BookingNotCancellable(Exception):
    def __init__(self, booking_id: str, status: str) -> None:
        super().__init__(f"booking {booking_id} is {status} and cannot be cancelled")
        self.booking_id = booking_id
        self.status = status


@dataclass(frozen=True)
class RequestBooking:
    booking_id: str
    show_id: str
    category: str
    user_id: str
    quantity: int


@dataclass(frozen=True)
class CancelBooking:
    booking_id: str
    cancelled_by: str
    as_admin: bool = False


Command = RequestBooking | CancelBooking


@dataclass(frozen=True)
class Booking:
    booking_id: str
    user_id: str
    quantity: int
    status: str
    reason: str | None = None
    category: str = ""


@dataclass(frozen=True)
class Seats:
    """One category's seats."""

    capacity: int
    available: int


@dataclass
class Inventory:
    """State folded from one show's inventory stream. ``version`` is the last event applied.

    ``held_by_user`` counts each buyer's confirmed seats across every category.
    """

    show_id: str = ""
    categories: dict[str, Seats] = field(default_factory=dict)
    per_user_limit: int | None = None
    version: int = 0
    bookings: dict[str, Booking] = field(default_factory=dict)
    held_by_user: dict[str, int] = field(default_factory=dict)

    @property
    def opened(self) -> bool:
        return bool(self.show_id)

    def copy(self) -> Inventory:
        twin = copy.copy(self)
        twin.categories = dict(self.categories)
        twin.bookings = dict(self.bookings)
        twin.held_by_user = dict(self.held_by_user)
        return twin


def evolve(state: Inventory, event: Event) -> Inventory:
    """Apply one event to ``state`` in place and return it (so it folds with functools.reduce)."""
    state.version += 1
    match event:
        case InventoryOpened():
            state.show_id = event.show_id
            state.categories[event.category] = Seats(event.capacity, event.capacity)
            state.per_user_limit = event.per_user_limit
        case BookingRequested():
            state.bookings[event.booking_id] = Booking(
                event.booking_id, event.user_id, event.quantity, PENDING, None, event.category
            )
        case BookingConfirmed():
            _take(state, event.category, event.user_id, event.quantity)
            _set_status(state, event.booking_id, CONFIRMED)
        case BookingRejected():
            _set_status(state, event.booking_id, REJECTED, event.reason)
        case BookingCancelled():
            _take(state, event.category, event.user_id, -event.quantity)
            _set_status(state, event.booking_id, CANCELLED)
    return state


def _take(state: Inventory, category: str, user_id: str, quantity: int) -> None:
    """``quantity`` seats of ``category`` go to ``user_id`` (negative: they come back)."""
    seats = state.categories[category]
    state.categories[category] = Seats(seats.capacity, seats.available - quantity)
    state.held_by_user[user_id] = state.held_by_user.get(user_id, 0) + quantity


def _set_status(state: Inventory, booking_id: str, status: str, reason: str | None = None) -> None:
    booking = state.bookings[booking_id]
    state.bookings[booking_id] = Booking(
        booking_id, booking.user_id, booking.quantity, status, reason, booking.category
    )


def fold(events: Iterable[Event], state: Inventory | None = None) -> Inventory:
    state = state if state is not None else Inventory()
    for event in events:
        evolve(state, event)
    return state


def open_inventory(
    show_id: str, category: str, capacity: int, per_user_limit: int | None
) -> list[Event]:
    if capacity < 1:
        raise ValueError("capacity must be at least 1")
    return [InventoryOpened(show_id, category, capacity, per_user_limit)]


def rejection_reason(state: Inventory, command: RequestBooking) -> str | None:
    seats = state.categories.get(command.category)
    if seats is None:
        return UNKNOWN_CATEGORY
    if seats.available == 0:
        return SOLD_OUT
    limit = state.per_user_limit
    if limit is not None and state.held_by_user.get(command.user_id, 0) + command.quantity > limit:
        return PER_USER_LIMIT
    if command.quantity > seats.available:
        return INSUFFICIENT_AVAILABILITY
    return None


def decide_booking(state: Inventory, command: RequestBooking) -> list[Event]:
    """The events that answer a booking request; none when the booking id was already decided."""
    if command.booking_id in state.bookings:
        return []
    if command.quantity < 1:
        raise ValueError("quantity must be at least 1")
    details = (command.booking_id, command.show_id, command.category, command.user_id)
    requested = BookingRequested(*details, command.quantity)
    reason = rejection_reason(state, command)
    if reason is not None:
        return [requested, BookingRejected(*details, command.quantity, reason)]
    return [requested, BookingConfirmed(*details, command.quantity)]


def decide_cancel(state: Inventory, command: CancelBooking) -> list[Event]:
    """Only the owner (or an admin) may cancel; to anyone else the booking does not exist."""
    booking = state.bookings.get(command.booking_id)
    if booking is None or not (command.as_admin or booking.user_id == command.cancelled_by):
        raise UnknownBooking(command.booking_id)
    if booking.status != CONFIRMED:
        raise BookingNotCancellable(command.booking_id, booking.status)
    return [
        BookingCancelled(
            booking.booking_id,
            state.show_id,
            booking.category,
            booking.user_id,
            booking.quantity,
            command.cancelled_by,
        )
    ]


def decide(state: Inventory, command: Command) -> list[Event]:
    if isinstance(command, RequestBooking):
        return decide_booking(state, command)
    return decide_cancel(state, command)


@dataclass
class BatchOutcome:
    """Events for one append, the state after them, and the refusal (if any) of each command."""

    events: list[Event]
    state: Inventory
    refusals: list[Exception | None]


def decide_each(state: Inventory, commands: Iterable[Command]) -> BatchOutcome:
    """Decide commands in arrival order against a working copy; ``state`` is left untouched."""
    outcome = BatchOutcome(events=[], state=state.copy(), refusals=[])
    for command in commands:
        try:
            events = decide(outcome.state, command)
        except (UnknownBooking, BookingNotCancellable, ValueError) as refusal:
            outcome.refusals.append(refusal)
            continue
        fold(events, outcome.state)
        outcome.events.extend(events)
        outcome.refusals.append(None)
    return outcome


def decide_batch(
    state: Inventory, commands: Iterable[RequestBooking]
) -> tuple[list[Event], Inventory]:
    """Decide booking requests in arrival order; ``state`` is left untouched."""
    outcome = decide_each(state, commands)
    return outcome.events, outcome.state
