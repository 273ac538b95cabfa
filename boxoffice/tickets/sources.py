"""What a booking or an order event owes its tickets, read from the event as stored.

Orders are read by their stored type name and data, not through
``boxoffice.domain.events``: this module only needs the fields listed here.
A confirmation or a payment owes each seat a ticket; a cancellation revokes
them.  A booking's cancellation names its quantity, so its seats are known and
are first issued (idempotently) and then revoked: the issuer never leaves a
valid ticket behind a cancelled booking.  An order's cancellation may come
without payment, so only the tickets that exist are revoked: the issuer
follows the log in order, so every ticket of a payment before the cancellation
exists by the time it is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from boxoffice.domain import tickets
from boxoffice.domain.tickets import BOOKING_CANCELLED, ORDER_CANCELLED, ORDER_REFUND_DUE, Seat

BOOKING_CONFIRMED = "BookingConfirmed"
BOOKING_CANCELLED_TYPE = "BookingCancelled"
ORDER_PAID = "OrderPaid"
ORDER_CANCELLED_TYPE = "OrderCancelled"
ORDER_REFUND_DUE_TYPE = "OrderRefundDue"


@dataclass(frozen=True)
class Owed:
    """Seats to issue, then (when ``revoke_reason``) seats to revoke.

    ``revoke_order_id`` asks to revoke whatever tickets that order has: seat after seat
    until one was never issued.
    """

    issue: tuple[Seat, ...] = ()
    revoke: tuple[Seat, ...] = ()
    revoke_order_id: str | None = None
    revoke_reason: str | None = None


def owed(type_: str, data: Mapping[str, Any]) -> Owed | None:
    """None for an event that concerns no ticket.  Raises KeyError, TypeError or ValueError
    for data without the fields its type must have."""
    if type_ == BOOKING_CONFIRMED:
        return Owed(issue=tuple(tickets.booking_seats(data)))
    if type_ == ORDER_PAID:
        return Owed(issue=tuple(tickets.order_seats(data)))
    if type_ == BOOKING_CANCELLED_TYPE:
        seats = tuple(tickets.booking_seats(data))
        return Owed(issue=seats, revoke=seats, revoke_reason=BOOKING_CANCELLED)
    if type_ == ORDER_CANCELLED_TYPE:
        reason = ORDER_REFUND_DUE if data["refund_due"] else ORDER_CANCELLED  # was paid: unpaid
        return Owed(revoke_order_id=str(data["order_id"]), revoke_reason=reason)
    if type_ == ORDER_REFUND_DUE_TYPE:
        return Owed(revoke_order_id=str(data["order_id"]), revoke_reason=ORDER_REFUND_DUE)
    return None
