"""Ticket streams: issuing, revoking and checking in, each an append under an expected version.

Issuing appends TicketIssued with NO_STREAM, so of several processes issuing
one seat the first wins and the others read its ticket.  Revoking and checking
in append under the version the decision was made on; a concurrent change is a
WrongExpectedVersion, after which the stream is read again and the decision
made again (a second gate's scan then reads the first one's check-in).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime

from boxoffice.domain import tickets
from boxoffice.domain.events import Event, from_stored
from boxoffice.domain.streams import ticket_stream
from boxoffice.domain.tickets import Admitted, CheckIn, Refused, Seat, Ticket
from boxoffice.eventstore import NO_STREAM, EventStore, NewEvent, WrongExpectedVersion

SECRET_BYTES = 24
"""192 bits from the operating system's CSPRNG."""
ATTEMPTS = 5

NewSecret = Callable[[], str]


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


class TicketContended(Exception):
    """A ticket's stream kept changing under a decision (more than ATTEMPTS writers at once)."""


def _stored(events: Sequence[Event]) -> list[NewEvent]:
    return [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]


async def load_ticket(store: EventStore, ticket_id: str) -> tuple[Ticket | None, int]:
    """The ticket (None if never issued) and its stream's version."""
    recorded = await store.read_stream(ticket_stream(ticket_id))
    ticket = tickets.ticket_from(from_stored(r.type, r.data) for r in recorded)
    return ticket, recorded[-1].version if recorded else 0


async def issue(store: EventStore, seats: Sequence[Seat], secret: NewSecret = new_secret) -> int:
    """Every seat's ticket exists afterwards; the log position of the last one issued here (0: none).

    The seats are issued concurrently (the store commits them in one group).
    """
    positions = await asyncio.gather(*(_issue_one(store, seat, secret) for seat in seats))
    return max(positions, default=0)


async def _issue_one(store: EventStore, seat: Seat, secret: NewSecret) -> int:
    """A seat's stream is read before it is appended to: an append that loses the NO_STREAM
    race leaves its log position empty until it is sealed, and every reader of the log waits
    for that, so only true races should lose one."""
    ticket, _ = await load_ticket(store, seat.ticket_id)
    if ticket is not None:
        return 0
    events = tickets.issue(None, seat, secret())
    try:
        result = await store.append(ticket_stream(seat.ticket_id), _stored(events), NO_STREAM)
    except WrongExpectedVersion:
        return 0  # issued meanwhile by another process
    return result.last_position


async def revoke(store: EventStore, ticket_id: str, reason: str) -> bool:
    """Revoke the ticket unless it already is; False when it was never issued."""
    for _ in range(ATTEMPTS):
        ticket, version = await load_ticket(store, ticket_id)
        events = tickets.revoke(ticket, reason)
        if not events:
            return ticket is not None
        try:
            await store.append(ticket_stream(ticket_id), _stored(events), version)
        except WrongExpectedVersion:
            continue
        return True
    raise TicketContended(ticket_id)


async def revoke_issued(store: EventStore, source: str, source_id: str, reason: str) -> int:
    """Revoke every ticket issued for the booking or order, seat after seat until one is
    missing (seats are issued in order); how many tickets it has."""
    seat = 0
    while await revoke(store, tickets.ticket_id_for(source, source_id, seat), reason):
        seat += 1
    return seat


async def check_in(
    store: EventStore, ticket: Ticket, version: int, command: CheckIn, now: Callable[[], datetime]
) -> Admitted | Refused:
    """Decide on the ticket as read at ``version``; on a concurrent change, read and decide again."""
    for _ in range(ATTEMPTS):
        decision = tickets.decide_check_in(ticket, command, now())
        if isinstance(decision, Refused) or not decision.events:
            return decision
        try:
            await store.append(ticket_stream(ticket.ticket_id), _stored(decision.events), version)
        except WrongExpectedVersion:
            reread, version = await load_ticket(store, ticket.ticket_id)
            assert reread is not None  # a stream that changed exists
            ticket = reread
            continue
        return decision
    raise TicketContended(ticket.ticket_id)
