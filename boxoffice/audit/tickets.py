"""Tickets against what was sold, as a pure object fed the log in global order.

The log must show:

* a ticket only for a seat that was sold: its booking confirmed or its order
  paid earlier in the log, its seat number below the seats sold, its id the
  seat's own (so never more tickets than seats), issued once;
* a revocation only of a ticket whose booking or order was cancelled (or, for
  an order, became refund_due) earlier in the log;
* a check-in only of a ticket issued and not revoked, and at most one per ticket.

Order events are read by their stored type name and data.  Memory: one entry
per ticket and per booking or order that sold seats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from boxoffice.domain.tickets import BOOKING, ORDER, ticket_id_for

from .violations import (
    CHECK_IN_OF_INVALID_TICKET,
    MALFORMED_EVENT,
    REVOKED_WITHOUT_CANCELLATION,
    TICKET_ADMITTED_TWICE,
    TICKET_WITHOUT_SALE,
    Violation,
)

SOLD = {"BookingConfirmed": BOOKING, "OrderPaid": ORDER}
CANCELLED = {"BookingCancelled": BOOKING, "OrderCancelled": ORDER, "OrderRefundDue": ORDER}
ID_FIELD = {BOOKING: "booking_id", ORDER: "order_id"}
TICKET_TYPES = frozenset({"TicketIssued", "TicketRevoked", "TicketCheckedIn"})


@dataclass
class _Ticket:
    source: tuple[str, str]
    issued_at: int
    revoked_at: int | None = None
    checked_in_at: int | None = None


def _seats(source: str, data: Mapping[str, Any]) -> int:
    if source == BOOKING:
        return int(data["quantity"])
    return sum(int(item["quantity"]) for item in data["items"])


class TicketAudit:
    def __init__(self) -> None:
        self._sold: dict[tuple[str, str], int] = {}
        self._cancelled: set[tuple[str, str]] = set()
        self._tickets: dict[str, _Ticket] = {}

    @property
    def tickets(self) -> int:
        return len(self._tickets)

    def observe(self, position: int, type_: str, data: Mapping[str, Any]) -> list[Violation]:
        try:
            if type_ in SOLD:
                source = SOLD[type_]
                self._sold[(source, str(data[ID_FIELD[source]]))] = _seats(source, data)
            elif type_ in CANCELLED:
                source = CANCELLED[type_]
                self._cancelled.add((source, str(data[ID_FIELD[source]])))
            elif type_ in TICKET_TYPES:
                return self._ticket_event(position, type_, data)
        except (KeyError, TypeError, ValueError) as exc:
            return [Violation(MALFORMED_EVENT, (position,), f"{type_} lacks or mistypes {exc}")]
        return []

    def _ticket_event(self, position: int, type_: str, data: Mapping[str, Any]) -> list[Violation]:
        ticket_id = str(data["ticket_id"])
        ticket = self._tickets.get(ticket_id)
        if type_ == "TicketIssued":
            return self._issued(position, ticket_id, ticket, data)
        if ticket is None:
            return [
                Violation(
                    CHECK_IN_OF_INVALID_TICKET
                    if type_ == "TicketCheckedIn"
                    else REVOKED_WITHOUT_CANCELLATION,
                    (position,),
                    f"{type_} of ticket {ticket_id}, which was never issued",
                )
            ]
        if type_ == "TicketRevoked":
            return self._revoked(position, ticket_id, ticket)
        return self._checked_in(position, ticket_id, ticket)

    def _issued(
        self, position: int, ticket_id: str, ticket: _Ticket | None, data: Mapping[str, Any]
    ) -> list[Violation]:
        source, source_id, seat = str(data["source"]), str(data["source_id"]), int(data["seat"])
        sold = self._sold.get((source, source_id))
        if ticket is not None:
            reason = f"issued again (first at {ticket.issued_at})"
        elif sold is None:
            reason = f"{source} {source_id} sold no seats before it"
        elif not 0 <= seat < sold:
            reason = f"seat {seat} of {source} {source_id}, which sold {sold}"
        elif ticket_id != ticket_id_for(source, source_id, seat):
            reason = f"its id is not that of seat {seat} of {source} {source_id}"
        else:
            self._tickets[ticket_id] = _Ticket((source, source_id), position)
            return []
        return [Violation(TICKET_WITHOUT_SALE, (position,), f"ticket {ticket_id}: {reason}")]

    def _revoked(self, position: int, ticket_id: str, ticket: _Ticket) -> list[Violation]:
        if ticket.source in self._cancelled and ticket.revoked_at is None:
            ticket.revoked_at = position
            return []
        source, source_id = ticket.source
        reason = (
            f"revoked already at {ticket.revoked_at}"
            if ticket.revoked_at is not None
            else f"{source} {source_id} was not cancelled"
        )
        return [
            Violation(REVOKED_WITHOUT_CANCELLATION, (position,), f"ticket {ticket_id}: {reason}")
        ]

    def _checked_in(self, position: int, ticket_id: str, ticket: _Ticket) -> list[Violation]:
        if ticket.checked_in_at is not None:
            return [
                Violation(
                    TICKET_ADMITTED_TWICE,
                    (ticket.checked_in_at, position),
                    f"ticket {ticket_id} checked in again",
                )
            ]
        if ticket.revoked_at is not None:
            return [
                Violation(
                    CHECK_IN_OF_INVALID_TICKET,
                    (ticket.revoked_at, position),
                    f"ticket {ticket_id} checked in after it was revoked",
                )
            ]
        ticket.checked_in_at = position
        return []
