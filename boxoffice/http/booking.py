"""Booking routes: parse, authorise, hand to the booking service, render its reply."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from boxoffice.commands.booking import BookTickets, Reply, status_url
from boxoffice.commands.booking_requests import BookingRequest, Request
from boxoffice.domain.inventory import PENDING
from boxoffice.projections import queries

from . import keys
from .auth import Principal, authenticated
from .booking_models import BookIn, CancelIn, StatusQuery
from .decided import render_decision
from .idempotency import idempotency_key
from .problems import Problem, invalid, store_unavailable
from .ratelimit import enforce
from .validation import parse_body, parse_query

REJECTION_TYPE = "https://boxoffice.example/problems/booking-rejected"


async def book(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    body = await parse_body(request, BookIn)
    settings = request.app[keys.SETTINGS]
    if body.quantity > settings.max_quantity:
        raise invalid(
            [{"field": "quantity", "message": f"must be at most {settings.max_quantity}"}]
        )
    enforce(request, "booking", principal.user_id)
    ensure_store_available(request)
    command = BookTickets(
        principal.user_id, body.show_id, body.category, body.quantity, idempotency_key(request)
    )
    reply = await request.app[keys.BOOKINGS].book(command)
    request.app[keys.BOOKING_OUTCOMES].count(reply)
    return render(reply)


def ensure_store_available(request: web.Request) -> None:
    """Fail fast while the driver sees the store down, rather than queue behind it."""
    if not request.app[keys.STORE_HEALTH].available:
        raise store_unavailable()


def render(reply: Reply) -> web.Response:
    return render_decision(reply.status, reply.body, what="booking", refused_type=REJECTION_TYPE)


async def status(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    query = parse_query(request, StatusQuery)
    database = request.app[keys.DATABASE]
    if query.booking_id is None:
        items, next_cursor = await queries.list_bookings(
            database, user_id=principal.user_id, limit=query.limit, cursor=query.cursor
        )
        return web.json_response({"items": items, "next_cursor": next_cursor})
    return web.json_response(await visible_booking(request, principal, query.booking_id))


async def cancel(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    body = await parse_body(request, CancelIn)
    booking = await visible_booking(request, principal, body.booking_id)
    if booking["status"] == PENDING:
        raise Problem(
            409,
            "Booking not decided yet",
            "The booking is still pending; cancel it once it is decided.",
            headers={"Retry-After": "1"},
            booking_id=body.booking_id,
            booking_status=PENDING,
        )
    ensure_store_available(request)
    decided = await request.app[keys.BOOKINGS].cancel(
        booking, principal.user_id, principal.is_admin
    )
    if decided is None:
        return web.json_response(
            {
                "booking_id": body.booking_id,
                "status": "pending",
                "status_url": status_url(body.booking_id),
            },
            status=202,
        )
    return web.json_response({"booking_id": body.booking_id, "status": decided.status})


async def visible_booking(
    request: web.Request, principal: Principal, booking_id: str
) -> dict[str, Any]:
    """The booking if the caller owns it or is an admin; 404 otherwise, so existence never leaks.

    A booking the read model does not know yet but whose request is recorded reads as pending.
    """
    booking = await queries.get_booking(request.app[keys.DATABASE], booking_id)
    if booking is None:
        recorded = await request.app[keys.BOOKING_REQUESTS].find(booking_id)
        booking = None if recorded is None else _pending(recorded)
    if booking is None or not (principal.is_admin or booking["user_id"] == principal.user_id):
        raise _not_found()
    return booking


def _pending(recorded: tuple[Request, str]) -> dict[str, Any] | None:
    """A recorded booking request as a pending booking; None for an order's record."""
    request, received_at = recorded
    if not isinstance(request, BookingRequest):
        return None
    return {
        "booking_id": request.booking_id,
        "user_id": request.user_id,
        "status": PENDING,
        "show_id": request.show_id,
        "category": request.category,
        "quantity": request.quantity,
        "reason": None,
        "created_at": received_at,
        "updated_at": received_at,
    }


def _not_found() -> Problem:
    return Problem(404, "Booking not found", "No booking with this id is visible to you.")
