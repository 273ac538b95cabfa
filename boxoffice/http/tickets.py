"""Ticket routes: the tickets of a booking or an order, and a ticket's QR code, for the owner or an admin.

Anyone else gets the same 404 as for an id that does not exist.  The ticket
issuer follows the log, so a booking confirmed a moment ago may have no tickets
yet: reading them issues the missing ones through the same idempotent path,
then waits for the tickets read model to show them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from boxoffice.domain.inventory import CONFIRMED, PAID
from boxoffice.domain.tickets import BOOKING, ORDER, Seat, booking_seats, order_seats
from boxoffice.projections import ticket_queries
from boxoffice.projections.tickets import TICKETS, ticket_out
from boxoffice.tickets import ledger
from boxoffice.tickets.qr import qr_svg

from . import keys
from .auth import Principal, authenticated
from .booking import visible_booking
from .orders import visible_order
from .problems import Problem

SVG = "image/svg+xml"


async def booking_tickets(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    booking = await visible_booking(request, principal, request.match_info["booking_id"])
    database = request.app[keys.DATABASE]
    docs = await ticket_queries.tickets_of(database, BOOKING, booking["booking_id"])
    if booking["status"] == CONFIRMED and len(docs) < booking["quantity"]:
        await _issue_missing(request, booking_seats(booking))
        docs = await ticket_queries.tickets_of(database, BOOKING, booking["booking_id"])
    return _tickets(docs)


async def order_tickets(request: web.Request) -> web.Response:
    """A paid order's tickets (none before it is paid); missing ones are issued as for bookings."""
    principal = await authenticated(request)
    order = await visible_order(request, principal, request.match_info["order_id"])
    database = request.app[keys.DATABASE]
    docs = await ticket_queries.tickets_of(database, ORDER, order["order_id"])
    seats = sum(item["quantity"] for item in order["items"])
    if order["status"] == PAID and len(docs) < seats:
        await _issue_missing(request, order_seats(order))
        docs = await ticket_queries.tickets_of(database, ORDER, order["order_id"])
    return _tickets(docs)


async def _issue_missing(request: web.Request, seats: list[Seat]) -> None:
    store = request.app[keys.EVENT_STORE]
    position = await ledger.issue(store, seats) or await store.head_position()
    await request.app[keys.PROJECTIONS].wait_for(
        position, request.app[keys.SETTINGS].booking_wait_seconds, projections=(TICKETS.name,)
    )


async def ticket_qr(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    ticket_id = request.match_info["ticket_id"]
    doc = await ticket_queries.get_ticket(request.app[keys.DATABASE], ticket_id)
    if doc is None or not _may_see(principal, doc["user_id"]):
        raise Problem(404, "Ticket not found", "No ticket with this id is visible to you.")
    return web.Response(
        body=qr_svg(doc["secret"]), content_type=SVG, headers={"Cache-Control": "private, no-store"}
    )


def _may_see(principal: Principal, owner: str) -> bool:
    return principal.is_admin or principal.user_id == owner


def _tickets(docs: list[dict[str, Any]]) -> web.Response:
    return web.json_response(
        {"items": [ticket_out(doc) for doc in docs]}, headers={"Cache-Control": "private, no-store"}
    )
