"""The order lifecycle of one inventory stream, and the seat accounting it must keep.

An order is placed (or rejected) once; only an order awaiting payment expires;
it is paid while awaiting payment, or after expiry when its seats were held
again; it is cancelled while awaiting payment or paid; money for an order whose
seats are gone makes it refund_due.  Every other order event is reported.  At
the end of the log, each category's held seats must be exactly the seats of the
orders awaiting payment, and its taken seats exactly those of confirmed
bookings and paid orders: an expired or cancelled order that kept its seats
shows up here.  An order still awaiting payment well past its hold is reported
too (the sweeper expires orders within seconds).
"""

from __future__ import annotations

from collections import Counter

from boxoffice.domain.events import (
    Event,
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
    OrderRefundDue,
    OrderRejected,
    PaymentRefused,
)
from boxoffice.domain.inventory import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    EXPIRED,
    PAID,
    REFUND_DUE,
    Inventory,
)

from .violations import (
    DUPLICATE_ORDER,
    HOLD_OVERDUE,
    ILLEGAL_ORDER_TRANSITION,
    ORDER_EVENT_WITHOUT_ORDER,
    SEAT_ACCOUNTING,
    Violation,
)

ORDER_EVENTS = (
    OrderPlaced,
    OrderRejected,
    OrderPaid,
    PaymentRefused,
    OrderExpired,
    OrderCancelled,
    OrderRefundDue,
)
OVERDUE_GRACE_MS = 5 * 60 * 1000
"""How long past its hold an unpaid order may wait for a sweeper before the audit reports it."""

ALLOWED_FROM: dict[type[Event], tuple[str, ...]] = {
    OrderPaid: (AWAITING_PAYMENT, EXPIRED),
    PaymentRefused: (AWAITING_PAYMENT, PAID, EXPIRED, CANCELLED, REFUND_DUE),
    OrderExpired: (AWAITING_PAYMENT,),
    OrderCancelled: (AWAITING_PAYMENT, PAID),
    OrderRefundDue: (EXPIRED, CANCELLED, REFUND_DUE),
}


def order_violation(
    stream: str, state: Inventory, event: Event, involved: tuple[int, ...]
) -> Violation | None:
    """What is wrong with ``event`` given the order's state so far, if anything."""
    order_id = getattr(event, "order_id", None)
    if order_id is None:
        return None
    order = state.orders.get(order_id)
    what = f"{stream}: {type(event).__name__} {order_id}"
    if isinstance(event, OrderPlaced | OrderRejected):
        return None if order is None else Violation(DUPLICATE_ORDER, involved, what)
    if order is None:
        return Violation(ORDER_EVENT_WITHOUT_ORDER, involved, what)
    if order.status not in ALLOWED_FROM[type(event)]:
        return Violation(ILLEGAL_ORDER_TRANSITION, involved, f"{what} of a {order.status} order")
    return None


def seat_accounting(stream: str, state: Inventory, position: int) -> list[Violation]:
    """Each category's held and taken seats, recounted from the bookings and orders."""
    held: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    for booking in state.bookings.values():
        if booking.status == CONFIRMED:
            taken[booking.category] += booking.quantity
    for order in state.orders.values():
        for line in order.lines:
            if order.status == AWAITING_PAYMENT:
                held[line.category] += line.quantity
            elif order.status == PAID:
                taken[line.category] += line.quantity
    found = []
    for category, seats in state.categories.items():
        sold = seats.capacity - seats.available - seats.held
        if (seats.held, sold) != (held[category], taken[category]):
            found.append(
                Violation(
                    SEAT_ACCOUNTING,
                    (position,),
                    f"{stream} {category}: {seats.held} held and {sold} taken, but the orders "
                    f"hold {held[category]} and bookings and paid orders take {taken[category]}",
                )
            )
    return found


def overdue_holds(
    stream: str, state: Inventory, positions: dict[str, int], now_ms: int
) -> list[Violation]:
    return [
        Violation(
            HOLD_OVERDUE,
            (positions[order.order_id],),
            f"{stream}: order {order.order_id} still holds seats "
            f"{(now_ms - order.expires_at_ms) // 1000}s after its hold ended",
        )
        for order in state.orders.values()
        if order.status == AWAITING_PAYMENT and order.expires_at_ms + OVERDUE_GRACE_MS < now_ms
    ]
