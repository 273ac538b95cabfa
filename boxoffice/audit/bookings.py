"""The booking and order lifecycles of one inventory stream, checked as its events are folded.

Orders and show changes are folded too, so capacities that change and seats
held by orders count as the booking worker counts them.  A show whose sales
closed for its cancellation sells nothing more, and once its cancellation is
complete it has no confirmed booking and no held or paid order left.

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
    CapacityChanged,
    Event,
    OrderPaid,
    OrderPlaced,
)
from boxoffice.domain.inventory import (
    ACTIVE,
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    PAID,
    PENDING,
    Inventory,
    evolve,
)

from .orders import order_violation, overdue_holds, seat_accounting
from .violations import (
    AVAILABILITY_OUT_OF_RANGE,
    CANCEL_WITHOUT_CONFIRMATION,
    CANCELLED_SHOW_NOT_EMPTY,
    CATEGORY_UNKNOWN,
    DECISION_WITHOUT_REQUEST,
    DOUBLE_CANCEL,
    DUPLICATE_DECISION,
    DUPLICATE_REQUEST,
    PER_USER_LIMIT_EXCEEDED,
    REQUEST_WITHOUT_DECISION,
    SALE_AFTER_CANCELLATION,
    Violation,
)


@dataclass
class InventoryAudit:
    """State of one inventory stream plus, per booking and order, the position of its latest event."""

    stream: str
    state: Inventory = field(default_factory=Inventory)
    booking_positions: dict[str, int] = field(default_factory=dict)
    order_positions: dict[str, int] = field(default_factory=dict)
    last_position: int = 0

    def apply(self, position: int, event: Event) -> list[Violation]:
        refusal = (
            self._lifecycle_violation(position, event)
            or self._order_violation(position, event)
            or self._unknown_category(position, event)
        )
        if refusal is not None:
            return [refusal]
        closed = self.state.status != ACTIVE
        evolve(self.state, event)
        self.last_position = position
        for ids, positions in (
            ("booking_id", self.booking_positions),
            ("order_id", self.order_positions),
        ):
            found_id = getattr(event, ids, None)
            if found_id is not None:
                positions[found_id] = position
        found = self._seat_violations(position, event)
        if closed and _sells(event):
            found.append(
                Violation(
                    SALE_AFTER_CANCELLATION,
                    (position,),
                    f"{self.stream}: {type(event).__name__} after the show's sales closed "
                    "for its cancellation",
                )
            )
        return found

    def left_after_cancellation(self) -> list[Violation]:
        """Bookings and orders still standing in a show whose cancellation completed."""
        if self.state.status != CANCELLED:
            return []
        bookings = [
            (self.booking_positions[b.booking_id], f"booking {b.booking_id} is confirmed")
            for b in self.state.bookings.values()
            if b.status == CONFIRMED
        ]
        orders = [
            (self.order_positions[o.order_id], f"order {o.order_id} is {o.status}")
            for o in self.state.orders.values()
            if o.status in (AWAITING_PAYMENT, PAID)
        ]
        return [
            Violation(
                CANCELLED_SHOW_NOT_EMPTY,
                (position,),
                f"{self.stream}: the show was cancelled but {what}",
            )
            for position, what in bookings + orders
        ]

    def _unknown_category(self, position: int, event: Event) -> Violation | None:
        """A capacity changed for a category never opened."""
        if isinstance(event, CapacityChanged) and event.category not in self.state.categories:
            return Violation(
                CATEGORY_UNKNOWN,
                (position,),
                f"{self.stream}: capacity of {event.category}, a category never opened",
            )
        return None

    def finish(self, now_ms: int | None) -> list[Violation]:
        """What only the end of the log shows: undecided requests, seats that do not add up,
        and (given the time) holds long overdue."""
        found = self.undecided() + self.left_after_cancellation()
        found += seat_accounting(self.stream, self.state, self.last_position)
        if now_ms is not None:
            found += overdue_holds(self.stream, self.state, self.order_positions, now_ms)
        return found

    def _order_violation(self, position: int, event: Event) -> Violation | None:
        earlier = self.order_positions.get(getattr(event, "order_id", ""))
        involved = (position,) if earlier is None else (earlier, position)
        return order_violation(self.stream, self.state, event, involved)

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
        """Held plus sold seats never exceed capacity; a buyer never holds more than the limit."""
        found = []
        state = self.state
        items = getattr(event, "items", None) or [{"category": getattr(event, "category", "")}]
        for category in (item["category"] for item in items):
            seats = state.categories.get(category)
            if seats is not None and not (
                seats.available >= 0
                and seats.held >= 0
                and seats.available + seats.held <= seats.capacity
            ):
                found.append(
                    Violation(
                        AVAILABILITY_OUT_OF_RANGE,
                        (position,),
                        f"{self.stream} {category}: {seats.available} seats available and "
                        f"{seats.held} held of {seats.capacity}",
                    )
                )
        limit = state.per_user_limit
        if isinstance(event, BookingConfirmed | OrderPlaced) and limit is not None:
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


def _sells(event: Event) -> bool:
    """Seats going to a buyer: a booking confirmed, an order placed, or re-held when paid late."""
    return isinstance(event, BookingConfirmed | OrderPlaced) or (
        isinstance(event, OrderPaid) and event.reheld
    )
