"""The booking lifecycle of one inventory stream, checked as its events are folded.

The fold is the domain's own ``evolve``, so the audit counts seats exactly as
the booking worker does.  An event that the lifecycle forbids (a decision
without a request, a second cancellation ...) is reported and NOT folded:
``evolve`` assumes a well-formed stream, and skipping keeps the seat count
that of the valid history, so one bad event is reported once, not again by
every later check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    Event,
)
from boxoffice.domain.inventory import CANCELLED, CONFIRMED, PENDING, Inventory, evolve

from .violations import (
    AVAILABILITY_OUT_OF_RANGE,
    CANCEL_WITHOUT_CONFIRMATION,
    DECISION_WITHOUT_REQUEST,
    DOUBLE_CANCEL,
    DUPLICATE_DECISION,
    DUPLICATE_REQUEST,
    PER_USER_LIMIT_EXCEEDED,
    REQUEST_WITHOUT_DECISION,
    Violation,
)


@dataclass
class InventoryAudit:
    """State of one inventory stream plus, per booking, the position of its latest event."""

    stream: str
    state: Inventory = field(default_factory=Inventory)
    booking_positions: dict[str, int] = field(default_factory=dict)

    def apply(self, position: int, event: Event) -> list[Violation]:
        refusal = self._lifecycle_violation(position, event)
        if refusal is not None:
            return [refusal]
        evolve(self.state, event)
        booking_id = getattr(event, "booking_id", None)
        if booking_id is not None:
            self.booking_positions[booking_id] = position
        return self._seat_violations(position, event)

    def undecided(self) -> list[Violation]:
        """Requests never answered; the worker appends each request with its decision."""
        return [
            Violation(
                REQUEST_WITHOUT_DECISION,
                (self.booking_positions[booking.booking_id],),
                f"{self.stream}: booking {booking.booking_id} was requested but never decided",
            )
            for booking in self.state.bookings.values()
            if booking.status == PENDING
        ]

    def _lifecycle_violation(self, position: int, event: Event) -> Violation | None:
        booking_id = getattr(event, "booking_id", None)
        if booking_id is None:
            return None
        booking = self.state.bookings.get(booking_id)
        earlier = self.booking_positions.get(booking_id)
        involved = (position,) if earlier is None else (earlier, position)
        kind: str | None = None
        match event:
            case BookingRequested() if booking is not None:
                kind = DUPLICATE_REQUEST
            case BookingConfirmed() | BookingRejected() if booking is None:
                kind = DECISION_WITHOUT_REQUEST
            case BookingConfirmed() | BookingRejected() if (
                booking is not None and booking.status != PENDING
            ):
                kind = DUPLICATE_DECISION
            case BookingCancelled() if booking is not None and booking.status == CANCELLED:
                kind = DOUBLE_CANCEL
            case BookingCancelled() if booking is None or booking.status != CONFIRMED:
                kind = CANCEL_WITHOUT_CONFIRMATION
        if kind is None:
            return None
        return Violation(kind, involved, f"{self.stream}: {type(event).__name__} {booking_id}")

    def _seat_violations(self, position: int, event: Event) -> list[Violation]:
        found = []
        state = self.state
        seats = state.categories.get(getattr(event, "category", ""))
        if seats is not None and not 0 <= seats.available <= seats.capacity:
            category = getattr(event, "category", "")
            found.append(
                Violation(
                    AVAILABILITY_OUT_OF_RANGE,
                    (position,),
                    f"{self.stream} {category}: {seats.available} seats available of "
                    f"{seats.capacity}",
                )
            )
        limit = state.per_user_limit
        if isinstance(event, BookingConfirmed) and limit is not None:
            held = state.held_by_user.get(event.user_id, 0)
            if held > limit:
                found.append(
                    Violation(
                        PER_USER_LIMIT_EXCEEDED,
                        (position,),
                        f"{self.stream}: user {event.user_id} holds {held} seats of the show, "
                        f"limit {limit}",
                    )
                )
        return found
