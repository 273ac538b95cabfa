"""Tickets in the domain: issued once, revoked once, admitted once, decided at a fixed time."""

from __future__ import annotations

from datetime import UTC, datetime

from boxoffice.domain import tickets
from boxoffice.domain.events import Event, TicketCheckedIn, TicketIssued, TicketRevoked
from boxoffice.domain.tickets import (
    ALREADY_CHECKED_IN,
    BOOKING,
    BOOKING_CANCELLED,
    CHECKED_IN,
    ORDER,
    ORDER_REFUND_DUE,
    REVOKED,
    UNPAID,
    VALID,
    WRONG_SHOW,
    Admitted,
    CheckIn,
    Refused,
    Ticket,
)

NOW = datetime(2027, 3, 1, 19, 5, tzinfo=UTC)
LATER = datetime(2027, 3, 1, 19, 20, tzinfo=UTC)
BOOKED = {"booking_id": "b1", "show_id": "s1", "category": "A", "user_id": "u1", "quantity": 2}


def issued() -> list[Event]:
    seat = tickets.booking_seats(BOOKED)[0]
    return tickets.issue(None, seat, "secret-1")


def ticket_after(events: list[Event]) -> Ticket:
    ticket = tickets.ticket_from(events)
    assert ticket is not None
    return ticket


def test_a_booking_owes_one_seat_per_ticket_with_ids_from_the_booking_only() -> None:
    seats = tickets.booking_seats(BOOKED)
    assert [seat.ticket_id for seat in seats] == [
        tickets.ticket_id_for(BOOKING, "b1", 0),
        tickets.ticket_id_for(BOOKING, "b1", 1),
    ]
    assert tickets.ticket_id_for(BOOKING, "b1", 0) != tickets.ticket_id_for(ORDER, "b1", 0)


def test_a_paid_order_owes_a_seat_per_item_quantity_in_item_order() -> None:
    paid = {
        "order_id": "o1",
        "show_id": "s1",
        "user_id": "u1",
        "items": [{"category": "A", "quantity": 2}, {"category": "B", "quantity": 1}],
    }
    seats = tickets.order_seats(paid)
    assert [(seat.seat, seat.category) for seat in seats] == [(0, "A"), (1, "A"), (2, "B")]


def test_issuing_once_gives_a_valid_ticket_and_issuing_again_nothing() -> None:
    (event,) = issued()
    assert isinstance(event, TicketIssued)
    ticket = ticket_after([event])
    assert (ticket.status, ticket.secret, ticket.user_id) == (VALID, "secret-1", "u1")
    assert tickets.issue(ticket, tickets.booking_seats(BOOKED)[0], "secret-2") == []


def test_a_valid_ticket_is_admitted_at_now() -> None:
    decision = tickets.decide_check_in(ticket_after(issued()), CheckIn("n1", "gate"), NOW)
    assert isinstance(decision, Admitted)
    assert decision.checked_in_at == "2027-03-01T19:05:00Z"
    (event,) = decision.events
    assert isinstance(event, TicketCheckedIn) and event.nonce == "n1"


def checked_in() -> list[Event]:
    decision = tickets.decide_check_in(ticket_after(issued()), CheckIn("n1", "gate"), NOW)
    assert isinstance(decision, Admitted)
    return [*issued(), *decision.events]


def test_a_second_scan_is_refused_as_already_checked_in_with_the_first_time() -> None:
    ticket = ticket_after(checked_in())
    assert ticket.status == CHECKED_IN
    decision = tickets.decide_check_in(ticket, CheckIn("n2", "gate"), LATER)
    assert decision == Refused(ALREADY_CHECKED_IN, "2027-03-01T19:05:00Z")


def test_a_retry_with_the_admitting_nonce_gets_the_same_answer_and_appends_nothing() -> None:
    decision = tickets.decide_check_in(ticket_after(checked_in()), CheckIn("n1", "gate"), LATER)
    assert decision == Admitted("2027-03-01T19:05:00Z")


def test_a_revoked_ticket_is_refused() -> None:
    events = [*issued(), TicketRevoked(ticket_after(issued()).ticket_id, BOOKING_CANCELLED)]
    ticket = ticket_after(events)
    assert ticket.status == REVOKED
    assert tickets.decide_check_in(ticket, CheckIn("n1", "gate"), NOW) == Refused(REVOKED)


def test_a_ticket_revoked_for_a_refund_due_is_refused_as_unpaid() -> None:
    events = [*issued(), TicketRevoked(ticket_after(issued()).ticket_id, ORDER_REFUND_DUE)]
    decision = tickets.decide_check_in(ticket_after(events), CheckIn("n1", "gate"), NOW)
    assert decision == Refused(UNPAID)


def test_a_gate_of_another_show_refuses_the_ticket() -> None:
    decision = tickets.decide_check_in(ticket_after(issued()), CheckIn("n1", "gate", "s2"), NOW)
    assert decision == Refused(WRONG_SHOW)
    admitted = tickets.decide_check_in(ticket_after(issued()), CheckIn("n1", "gate", "s1"), NOW)
    assert isinstance(admitted, Admitted)


def test_revoking_happens_once_and_never_for_a_ticket_not_issued() -> None:
    ticket = ticket_after(issued())
    (revoked,) = tickets.revoke(ticket, BOOKING_CANCELLED)
    assert tickets.revoke(ticket_after([*issued(), revoked]), BOOKING_CANCELLED) == []
    assert tickets.revoke(None, BOOKING_CANCELLED) == []
