"""Tickets: one document per ticket, found by its id, its secret's digest, its source or its show.

``v`` is the version of the ticket's stream.  The secret is kept so that the
owner can read it back; lookups by secret go through its digest.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from boxoffice.domain.events import Event, TicketCheckedIn, TicketIssued, TicketRevoked
from boxoffice.domain.tickets import CHECKED_IN, REVOKED, VALID, secret_digest
from boxoffice.eventstore import RecordedEvent

from .model import Document, ReadModel, Write, created, guarded

VERSION = "v"


def project_ticket(recorded: RecordedEvent, event: Event) -> list[Write]:
    match event:
        case TicketIssued():
            return [
                created(
                    event.ticket_id,
                    VERSION,
                    {
                        "secret": event.secret,
                        "secret_digest": secret_digest(event.secret),
                        "source": event.source,
                        "source_id": event.source_id,
                        "seat": event.seat,
                        "show_id": event.show_id,
                        "category": event.category,
                        "user_id": event.user_id,
                        "status": VALID,
                        "checked_in_at": None,
                        VERSION: recorded.version,
                    },
                )
            ]
        case TicketRevoked():
            return [guarded(event.ticket_id, VERSION, recorded.version, {"status": REVOKED})]
        case TicketCheckedIn():
            changes = {"status": CHECKED_IN, "checked_in_at": event.checked_in_at}
            return [guarded(event.ticket_id, VERSION, recorded.version, changes)]
    return []


def qr_url(ticket_id: str) -> str:
    return f"/tickets/{ticket_id}/qr.svg"


def ticket_out(doc: Document) -> Document:
    """A ticket as its holder sees it."""
    return {
        "ticket_id": doc["_id"],
        "secret": doc["secret"],
        "status": doc["status"],
        "show_id": doc["show_id"],
        "category": doc["category"],
        "qr_url": qr_url(doc["_id"]),
    }


TICKETS = ReadModel(
    name="tickets",
    event_types=frozenset(t.__name__ for t in (TicketIssued, TicketRevoked, TicketCheckedIn)),
    indexes=(
        IndexModel([("secret_digest", ASCENDING)], name="by_secret_digest"),
        IndexModel([("source_id", ASCENDING), ("seat", ASCENDING)], name="by_source"),
        IndexModel([("show_id", ASCENDING)], name="by_show"),
    ),
    project=project_ticket,
)
