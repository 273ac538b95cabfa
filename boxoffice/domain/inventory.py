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
from dataclasses import dataclass, field, replace
from typing import Any

from .events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    CapacityChanged,
    CategoryAdded,
    Event,
    InventoryOpened,
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
    OrderRefundDue,
    OrderRejected,
    PaymentRefused,
    SalesWindowSet,
    ShowCancellationStarted,
    ShowCancelled,
)

SOLD_OUT = "sold_out"
INSUFFICIENT_AVAILABILITY = "insufficient_availability"
PER_USER_LIMIT = "per_user_limit"
UNKNOWN_SHOW = "unknown_show"
UNKNOWN_CATEGORY = "unknown_category"
NOT_ON_SALE = "not_on_sale"
SHOW_OVER = "show_over"
SHOW_CANCELLED = "show_cancelled"

ACTIVE = "active"
CANCELLING = "cancelling"

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
CANCELLED = "cancelled"

AWAITING_PAYMENT = "awaiting_payment"
PAID = "paid"
EXPIRED = "expired"
REFUND_DUE = "refund_due"


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
    """One category's seats: ``available`` to anyone, ``held`` by unpaid orders, the rest sold."""

    capacity: int
    available: int
    held: int = 0


@dataclass(frozen=True)
class OrderLine:
    category: str
    quantity: int
    unit_price: str
    currency: str

    def to_data(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "currency": self.currency,
        }


def lines_of(items: Iterable[dict[str, Any]]) -> tuple[OrderLine, ...]:
    return tuple(
        OrderLine(i["category"], int(i["quantity"]), str(i["unit_price"]), i["currency"])
        for i in items
    )


@dataclass(frozen=True)
class Order:
    order_id: str
    user_id: str
    lines: tuple[OrderLine, ...]
    status: str
    expires_at_ms: int
    amount: str
    currency: str
    reason: str | None = None
    refused: tuple[str, ...] = ()
    """The categories that could not be held, when the order was rejected."""

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass
class Inventory:
    """State folded from one show's inventory stream. ``version`` is the last event applied.

    ``held_by_user`` counts each buyer's seats across every category: confirmed
    bookings, and orders both held and paid.  ``payment_events`` are the provider
    event ids already applied, so a redelivered webhook changes nothing.  The
    sales window is in epoch milliseconds (None: unbounded; a show opened before
    shows had one has none); ``status`` is active, cancelling or cancelled.
    """

    show_id: str = ""
    categories: dict[str, Seats] = field(default_factory=dict)
    per_user_limit: int | None = None
    version: int = 0
    bookings: dict[str, Booking] = field(default_factory=dict)
    held_by_user: dict[str, int] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    payment_events: set[str] = field(default_factory=set)
    starts_at_ms: int | None = None
    sales_start_ms: int | None = None
    sales_end_ms: int | None = None
    status: str = ACTIVE
    cancelled_by: str = ""

    @property
    def opened(self) -> bool:
        return bool(self.show_id)

    def copy(self) -> Inventory:
        twin = copy.copy(self)
        twin.categories = dict(self.categories)
        twin.bookings = dict(self.bookings)
        twin.held_by_user = dict(self.held_by_user)
        twin.orders = dict(self.orders)
        twin.payment_events = set(self.payment_events)
        return twin


def evolve(state: Inventory, event: Event) -> Inventory:
    """Apply one event to ``state`` in place and return it (so it folds with functools.reduce)."""
    state.version += 1
    match event:
        case InventoryOpened():
            state.show_id = event.show_id
            state.categories[event.category] = Seats(event.capacity, event.capacity)
            state.per_user_limit = event.per_user_limit
            if event.starts_at_ms is not None:
                state.starts_at_ms = event.starts_at_ms
                state.sales_start_ms = event.sales_start_ms
                state.sales_end_ms = event.sales_end_ms
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
        case (
            SalesWindowSet()
            | CategoryAdded()
            | CapacityChanged()
            | ShowCancellationStarted()
            | ShowCancelled()
        ):
            _evolve_show(state, event)
        case _:
            _evolve_order(state, event)
    return state


def _evolve_show(state: Inventory, event: Event) -> None:
    """The show's own changes: its sales window, its categories' capacity, its cancellation."""
    match event:
        case SalesWindowSet():
            state.starts_at_ms = event.starts_at_ms
            state.sales_start_ms = event.sales_start_ms
            state.sales_end_ms = event.sales_end_ms
        case CategoryAdded():
            state.categories[event.category] = Seats(event.capacity, event.capacity)
        case CapacityChanged():
            seats = state.categories[event.category]
            grown = event.capacity - seats.capacity
            state.categories[event.category] = Seats(
                event.capacity, seats.available + grown, seats.held
            )
        case ShowCancellationStarted():
            state.status = CANCELLING
            state.cancelled_by = event.cancelled_by
        case ShowCancelled():
            state.status = CANCELLED


def _evolve_order(state: Inventory, event: Event) -> None:
    """Orders hold seats (``held``), sell them (paid) or give them back (expired, cancelled)."""
    match event:
        case OrderPlaced():
            lines = lines_of(event.items)
            _hold(state, lines, event.user_id, +1)
            state.orders[event.order_id] = Order(
                event.order_id,
                event.user_id,
                lines,
                AWAITING_PAYMENT,
                event.expires_at_ms,
                event.amount,
                event.currency,
            )
        case OrderRejected():
            state.orders[event.order_id] = Order(
                event.order_id,
                event.user_id,
                lines_of(event.items),
                REJECTED,
                0,
                "0",
                "",
                event.reason,
                tuple(item["category"] for item in event.refused),
            )
        case OrderPaid():
            order = state.orders[event.order_id]
            if order.status == AWAITING_PAYMENT:
                _hold(state, order.lines, order.user_id, -1, held_to_sold=True)
            else:
                for line in order.lines:
                    _take(state, line.category, order.user_id, line.quantity)
            _set_order_status(state, event.order_id, PAID)
            _note_payment(state, event.provider_event_id)
        case PaymentRefused():
            _note_payment(state, event.provider_event_id)
        case OrderExpired():
            order = state.orders[event.order_id]
            _hold(state, order.lines, order.user_id, -1)
            _set_order_status(state, event.order_id, EXPIRED)
        case OrderCancelled():
            order = state.orders[event.order_id]
            if order.status == AWAITING_PAYMENT:
                _hold(state, order.lines, order.user_id, -1)
            else:
                for line in order.lines:
                    _take(state, line.category, order.user_id, -line.quantity)
            _set_order_status(state, event.order_id, REFUND_DUE if event.refund_due else CANCELLED)
        case OrderRefundDue():
            _set_order_status(state, event.order_id, REFUND_DUE)
            _note_payment(state, event.provider_event_id)


def _hold(
    state: Inventory,
    lines: Iterable[OrderLine],
    user_id: str,
    sign: int,
    *,
    held_to_sold: bool = False,
) -> None:
    """Hold seats (sign +1) or release a hold (-1); ``held_to_sold`` keeps them taken, as sold."""
    for line in lines:
        seats = state.categories[line.category]
        available = seats.available if held_to_sold else seats.available - sign * line.quantity
        state.categories[line.category] = Seats(
            seats.capacity, available, seats.held + sign * line.quantity
        )
        if not held_to_sold:
            state.held_by_user[user_id] = state.held_by_user.get(user_id, 0) + sign * line.quantity


def _set_order_status(state: Inventory, order_id: str, status: str) -> None:
    state.orders[order_id] = replace(state.orders[order_id], status=status)


def _note_payment(state: Inventory, provider_event_id: str | None) -> None:
    if provider_event_id is not None:
        state.payment_events.add(provider_event_id)


def _take(state: Inventory, category: str, user_id: str, quantity: int) -> None:
    """``quantity`` seats of ``category`` go to ``user_id`` (negative: they come back)."""
    seats = state.categories[category]
    state.categories[category] = Seats(seats.capacity, seats.available - quantity, seats.held)
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
    show_id: str,
    category: str,
    capacity: int,
    per_user_limit: int | None,
    window: SalesWindowSet | None = None,
) -> list[Event]:
    if capacity < 1:
        raise ValueError("capacity must be at least 1")
    if window is None:
        return [InventoryOpened(show_id, category, capacity, per_user_limit)]
    return [
        InventoryOpened(
            show_id,
            category,
            capacity,
            per_user_limit,
            window.starts_at_ms,
            window.sales_start_ms,
            window.sales_end_ms,
        )
    ]


def rejection_reason(state: Inventory, command: RequestBooking, now_ms: int) -> str | None:
    return shortfall(state, command.user_id, {command.category: command.quantity}, now_ms)[0]


def not_selling(state: Inventory, now_ms: int) -> str | None:
    """Why nothing of the show can be sold at ``now_ms``: cancelled, over, or outside its window."""
    if state.status != ACTIVE:
        return SHOW_CANCELLED
    if state.starts_at_ms is not None and now_ms >= state.starts_at_ms:
        return SHOW_OVER
    if state.sales_start_ms is not None and now_ms < state.sales_start_ms:
        return NOT_ON_SALE
    if state.sales_end_ms is not None and now_ms >= state.sales_end_ms:
        return NOT_ON_SALE
    return None


def shortfall(
    state: Inventory, user_id: str, wanted: dict[str, int], now_ms: int
) -> tuple[str | None, list[str]]:
    """Why ``wanted`` (seats by category) cannot go to ``user_id``, and the categories at fault.

    The per-user limit counts the buyer's seats of every category, held or sold.
    """
    closed = not_selling(state, now_ms)
    if closed is not None:
        return closed, list(wanted)
    unknown = [c for c in wanted if c not in state.categories]
    if unknown:
        return UNKNOWN_CATEGORY, unknown
    sold_out = [c for c in wanted if state.categories[c].available == 0]
    if sold_out:
        return SOLD_OUT, sold_out
    limit = state.per_user_limit
    if limit is not None and state.held_by_user.get(user_id, 0) + sum(wanted.values()) > limit:
        return PER_USER_LIMIT, list(wanted)
    short = [c for c, quantity in wanted.items() if quantity > state.categories[c].available]
    if short:
        return INSUFFICIENT_AVAILABILITY, short
    return None, []


def decide_booking(state: Inventory, command: RequestBooking, now_ms: int) -> list[Event]:
    """The events that answer a booking request; none when the booking id was already decided."""
    if command.booking_id in state.bookings:
        return []
    if command.quantity < 1:
        raise ValueError("quantity must be at least 1")
    details = (command.booking_id, command.show_id, command.category, command.user_id)
    requested = BookingRequested(*details, command.quantity)
    reason = rejection_reason(state, command, now_ms)
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
