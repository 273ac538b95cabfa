"""Check-in routes for scanners and admins: admit a ticket at the gate, count who is in.

The secret is looked up in the tickets read model, and the decision is made on
the ticket's own stream (``tickets.ledger.check_in``), so two gates scanning
one ticket at the same moment admit it exactly once.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from boxoffice.domain.tickets import (
    ALREADY_CHECKED_IN,
    REVOKED,
    UNPAID,
    WRONG_SHOW,
    CheckIn,
    Refused,
)
from boxoffice.projections import queries, ticket_queries
from boxoffice.tickets import ledger

from . import keys
from .auth import authenticated, require_scanner
from .booking import ensure_store_available
from .problems import Problem
from .ticket_models import CheckInIn
from .validation import parse_body

REFUSAL_TYPE = "https://boxoffice.example/problems/check-in-refused"
REFUSALS = {
    ALREADY_CHECKED_IN: "The ticket was checked in already.",
    REVOKED: "The ticket was revoked: its booking or order was cancelled.",
    UNPAID: "The ticket's order is no longer paid.",
    WRONG_SHOW: "The ticket is for another show.",
}


def _now() -> datetime:
    return datetime.now(UTC)


async def check_in(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    require_scanner(principal)
    body = await parse_body(request, CheckInIn)
    ensure_store_available(request)
    database = request.app[keys.DATABASE]
    store = request.app[keys.EVENT_STORE]
    found = await ticket_queries.ticket_by_secret(database, body.secret)
    ticket, version = (None, 0) if found is None else await ledger.load_ticket(store, found["_id"])
    if ticket is None or not hmac.compare_digest(ticket.secret.encode(), body.secret.encode()):
        raise Problem(404, "Ticket not found", "No ticket has this secret.")
    command = CheckIn(body.nonce, principal.user_id, body.show_id)
    decision = await ledger.check_in(store, ticket, version, command, _now)
    request.app[keys.CHECKIN_OUTCOMES].count(
        decision.reason if isinstance(decision, Refused) else "admitted"
    )
    if isinstance(decision, Refused):
        extra: dict[str, Any] = (
            {} if decision.checked_in_at is None else {"checked_in_at": decision.checked_in_at}
        )
        raise Problem(
            409,
            "Not admitted",
            REFUSALS[decision.reason],
            type=REFUSAL_TYPE,
            reason=decision.reason,
            ticket_id=ticket.ticket_id,
            **extra,
        )
    holder = await queries.get_user(database, ticket.user_id)
    return web.json_response(
        {
            "ticket_id": ticket.ticket_id,
            "show_id": ticket.show_id,
            "category": ticket.category,
            "holder": None if holder is None else holder["name"],
            "checked_in_at": decision.checked_in_at,
        }
    )


async def show_checkins(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    require_scanner(principal)
    database = request.app[keys.DATABASE]
    show_id = request.match_info["show_id"]
    if await queries.get_show(database, show_id, request.app[keys.SETTINGS].hold_seconds) is None:
        raise Problem(404, "Show not found", "No show has this id.")
    return web.json_response(await ticket_queries.checkins(database, show_id))
