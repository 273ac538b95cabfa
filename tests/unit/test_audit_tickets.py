"""The ticket audit: tickets only for seats sold, revoked only when cancelled, admitted once."""

from __future__ import annotations

from typing import Any

from boxoffice.audit.tickets import TicketAudit
from boxoffice.domain.tickets import BOOKING, ORDER, ticket_id_for

BOOKED = {"booking_id": "b1", "show_id": "s1", "category": "A", "user_id": "u1", "quantity": 2}
PAID = {
    "order_id": "o1",
    "show_id": "s1",
    "user_id": "u1",
    "items": [{"category": "A", "quantity": 1}, {"category": "B", "quantity": 1}],
}


def issued(source: str, source_id: str, seat: int) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id_for(source, source_id, seat),
        "source": source,
        "source_id": source_id,
        "seat": seat,
        "show_id": "s1",
        "category": "A",
        "user_id": "u1",
        "secret": "s",
    }


def kinds(audit: TicketAudit, *events: tuple[str, dict[str, Any]]) -> list[str]:
    return [
        violation.kind
        for position, (type_, data) in enumerate(events, start=1)
        for violation in audit.observe(position, type_, data)
    ]


def test_a_ticket_per_seat_sold_revoked_after_cancelling_and_admitted_once_passes() -> None:
    audit = TicketAudit()
    events = [
        ("BookingConfirmed", BOOKED),
        ("TicketIssued", issued(BOOKING, "b1", 0)),
        ("TicketIssued", issued(BOOKING, "b1", 1)),
        ("TicketCheckedIn", {"ticket_id": ticket_id_for(BOOKING, "b1", 0)}),
        ("OrderPaid", PAID),
        ("TicketIssued", issued(ORDER, "o1", 1)),
        ("OrderRefundDue", {"order_id": "o1"}),
        ("TicketRevoked", {"ticket_id": ticket_id_for(ORDER, "o1", 1), "reason": "r"}),
    ]
    assert kinds(audit, *events) == []
    assert audit.tickets == 3


def test_more_tickets_than_seats_or_for_a_booking_never_confirmed_are_not_sold() -> None:
    events = [
        ("BookingConfirmed", BOOKED),
        ("TicketIssued", issued(BOOKING, "b1", 2)),
        ("TicketIssued", issued(BOOKING, "b2", 0)),
        ("TicketIssued", {**issued(BOOKING, "b1", 0), "ticket_id": "made-up"}),
        ("TicketIssued", issued(BOOKING, "b1", 0)),
        ("TicketIssued", issued(BOOKING, "b1", 0)),
    ]
    assert kinds(TicketAudit(), *events) == ["ticket_without_sale"] * 4


def test_revoking_a_ticket_of_a_booking_not_cancelled_is_reported() -> None:
    ticket_id = ticket_id_for(BOOKING, "b1", 0)
    events = [
        ("BookingConfirmed", BOOKED),
        ("TicketIssued", issued(BOOKING, "b1", 0)),
        ("TicketRevoked", {"ticket_id": ticket_id, "reason": "booking_cancelled"}),
    ]
    assert kinds(TicketAudit(), *events) == ["revoked_without_cancellation"]


def test_a_second_check_in_and_one_after_revoking_are_reported() -> None:
    first, second = ticket_id_for(BOOKING, "b1", 0), ticket_id_for(BOOKING, "b1", 1)
    events = [
        ("BookingConfirmed", BOOKED),
        ("TicketIssued", issued(BOOKING, "b1", 0)),
        ("TicketIssued", issued(BOOKING, "b1", 1)),
        ("TicketCheckedIn", {"ticket_id": first}),
        ("TicketCheckedIn", {"ticket_id": first}),
        ("BookingCancelled", BOOKED),
        ("TicketRevoked", {"ticket_id": second, "reason": "booking_cancelled"}),
        ("TicketCheckedIn", {"ticket_id": second}),
    ]
    assert kinds(TicketAudit(), *events) == ["ticket_admitted_twice", "check_in_of_invalid_ticket"]
