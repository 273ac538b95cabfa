"""Tickets: one per sold seat, issued once, revoked once, admitted at the door at most once.

A ticket's id is a digest of its seat (``booking:{booking_id}:{n}`` or
``order:{order_id}:{n}``), so whoever issues a seat's ticket appends to the same
stream and the store's NO_STREAM check makes issuing idempotent.  Its secret is
random and comes from outside (the domain draws no randomness).

The state is folded from the ticket's own stream; every decision is a function
of (state, command, now).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .events import Event, TicketCheckedIn, TicketIssued, TicketRevoked

BOOKING = "booking"
ORDER = "order"

VALID = "valid"
CHECKED_IN = "checked_in"
REVOKED = "revoked"

BOOKING_CANCELLED = "booking_cancelled"
ORDER_CANCELLED = "order_cancelled"
ORDER_REFUND_DUE = "order_refund_due"

ALREADY_CHECKED_IN = "already_checked_in"
UNPAID = "unpaid"
WRONG_SHOW = "wrong_show"
CHECK_IN_REFUSALS = (ALREADY_CHECKED_IN, REVOKED, UNPAID, WRONG_SHOW)


def ticket_id_for(source: str, source_id: str, seat: int) -> str:
    """The id of seat ``seat`` (0-based) of a booking or an order: the same for every issuer."""
    return hashlib.sha256(f"{source}:{source_id}:{seat}".encode()).hexdigest()[:32]


def secret_digest(secret: str) -> str:
    """What read models index a secret by (a lookup never needs the secret itself as a key)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Seat:
    """A seat that is owed a ticket."""

    source: str
    source_id: str
    seat: int
    show_id: str
    category: str
    user_id: str

    @property
    def ticket_id(self) -> str:
        return ticket_id_for(self.source, self.source_id, self.seat)


def booking_seats(data: Mapping[str, Any]) -> list[Seat]:
    """The seats of a confirmed booking, from BookingConfirmed's (or BookingCancelled's) data."""
    return [
        Seat(BOOKING, data["booking_id"], n, data["show_id"], data["category"], data["user_id"])
        for n in range(int(data["quantity"]))
    ]


def order_seats(data: Mapping[str, Any]) -> list[Seat]:
    """The seats of a paid order, from OrderPaid's data: numbered across its items in order."""
    categories = [item["category"] for item in data["items"] for _ in range(int(item["quantity"]))]
    return [
        Seat(ORDER, data["order_id"], n, data["show_id"], category, data["user_id"])
        for n, category in enumerate(categories)
    ]


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    source: str
    source_id: str
    show_id: str
    category: str
    user_id: str
    secret: str
    status: str = VALID
    revoked_reason: str | None = None
    checked_in_at: str | None = None
    check_in_nonce: str | None = None


def ticket_from(events: Iterable[Event]) -> Ticket | None:
    ticket: Ticket | None = None
    for event in events:
        match event:
            case TicketIssued():
                ticket = Ticket(
                    event.ticket_id,
                    event.source,
                    event.source_id,
                    event.show_id,
                    event.category,
                    event.user_id,
                    event.secret,
                )
            case TicketRevoked() if ticket is not None:
                ticket = dataclasses.replace(ticket, status=REVOKED, revoked_reason=event.reason)
            case TicketCheckedIn() if ticket is not None:
                ticket = dataclasses.replace(
                    ticket,
                    status=CHECKED_IN,
                    checked_in_at=event.checked_in_at,
                    check_in_nonce=event.nonce,
                )
    return ticket


def issue(ticket: Ticket | None, seat: Seat, secret: str) -> list[Event]:
    """Nothing when the seat's ticket exists: its secret stays the one first issued."""
    if ticket is not None:
        return []
    return [
        TicketIssued(
            seat.ticket_id,
            seat.source,
            seat.source_id,
            seat.seat,
            seat.show_id,
            seat.category,
            seat.user_id,
            secret,
        )
    ]


def revoke(ticket: Ticket | None, reason: str) -> list[Event]:
    """Once: nothing for a ticket already revoked or never issued."""
    if ticket is None or ticket.status == REVOKED:
        return []
    return [TicketRevoked(ticket.ticket_id, reason)]


@dataclass(frozen=True)
class CheckIn:
    """A scan at a gate; ``show_id`` is the show the gate serves, when the scanner names one."""

    nonce: str
    scanned_by: str
    show_id: str | None = None


@dataclass(frozen=True)
class Admitted:
    """Let in at ``checked_in_at``; ``events`` is empty when this repeats the admitting scan."""

    checked_in_at: str
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Refused:
    reason: str
    checked_in_at: str | None = None


def decide_check_in(ticket: Ticket, command: CheckIn, now: datetime) -> Admitted | Refused:
    """Admit a valid ticket once.

    The scan that admitted a ticket, repeated with its nonce, gets the same
    answer.  A ticket revoked because its order became refund_due is refused as
    ``unpaid``; since revoking follows the log, a scan between the order's
    OrderRefundDue and the ticket issuer's TicketRevoked still admits it.
    """
    if ticket.checked_in_at is not None and ticket.check_in_nonce == command.nonce:
        return Admitted(ticket.checked_in_at)
    if command.show_id is not None and command.show_id != ticket.show_id:
        return Refused(WRONG_SHOW)
    if ticket.status == REVOKED:
        return Refused(UNPAID if ticket.revoked_reason == ORDER_REFUND_DUE else REVOKED)
    if ticket.status == CHECKED_IN:
        return Refused(ALREADY_CHECKED_IN, ticket.checked_in_at)
    at = now.astimezone(UTC).isoformat().replace("+00:00", "Z")
    event = TicketCheckedIn(
        ticket.ticket_id, ticket.show_id, ticket.category, command.nonce, at, command.scanned_by
    )
    return Admitted(at, (event,))
