"""Order routes: place, read, list, cancel, and mark paid at the box office."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from boxoffice.commands.booking_requests import OrderRequest, Request
from boxoffice.commands.orders import (
    MixedCurrencies,
    OrderReply,
    PlaceOrderRequest,
    order_url,
    pending_reply,
)
from boxoffice.domain.orders import MANUAL_PAYMENT, ApplyPayment
from boxoffice.projections import order_queries

from . import keys
from .auth import Principal, authenticated, require_admin
from .booking import ensure_store_available
from .decided import render_decision
from .idempotency import idempotency_key
from .order_models import OrdersQuery, PlaceOrderIn
from .problems import Problem, invalid
from .ratelimit import enforce
from .validation import parse_body, parse_query

REJECTION_TYPE = "https://boxoffice.example/problems/order-rejected"


async def place_order(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    body = await parse_body(request, PlaceOrderIn)
    most = request.app[keys.SETTINGS].max_quantity
    if any(item.quantity > most for item in body.items):
        raise invalid([{"field": "items", "message": f"at most {most} seats of a category"}])
    enforce(request, "booking", principal.user_id)
    ensure_store_available(request)
    command = PlaceOrderRequest(
        principal.user_id,
        body.show_id,
        body.quantities(),
        idempotency_key(request),
    )
    try:
        reply = await request.app[keys.ORDERS].place(command)
    except MixedCurrencies as mixed:
        raise invalid(
            [{"field": "items", "message": f"items are priced in several currencies: {mixed}"}]
        ) from None
    return render(reply)


def render(reply: OrderReply) -> web.Response:
    return render_decision(reply.status, reply.body, what="order", refused_type=REJECTION_TYPE)


async def get_order(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    order = await visible_order(request, principal, request.match_info["order_id"])
    return web.json_response(_shown(order))


async def list_orders(request: web.Request) -> web.Response:
    """A buyer's own orders; an admin's are everyone's, narrowed by the filters."""
    principal = await authenticated(request)
    query = parse_query(request, OrdersQuery)
    if query.user_id is not None:
        require_admin(principal)
    user_id = query.user_id if principal.is_admin else principal.user_id
    items, next_cursor = await order_queries.list_orders(
        request.app[keys.DATABASE],
        user_id=user_id,
        show_id=query.show_id,
        status=query.status,
        limit=query.limit,
        cursor=query.cursor,
    )
    shown = [_shown(order) | {"user_id": order["user_id"]} for order in items]
    return web.json_response({"items": shown, "next_cursor": next_cursor})


async def cancel_order(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    order = await _decided_order(request, principal)
    ensure_store_available(request)
    cancelled = await request.app[keys.ORDERS].cancel(order, principal.user_id, principal.is_admin)
    return _after_change(order, cancelled)


async def mark_paid(request: web.Request) -> web.Response:
    """Cash at the box office: an admin records the order's total as paid."""
    principal = await authenticated(request)
    require_admin(principal)
    order = await _decided_order(request, principal)
    ensure_store_available(request)
    total = order["total"]
    payment = ApplyPayment(
        order["order_id"],
        True,
        total["amount"],
        total["currency"],
        MANUAL_PAYMENT,
        None,
        principal.user_id,
    )
    paid = await request.app[keys.ORDERS].pay(order["show_id"], payment)
    return _after_change(order, paid)


def _after_change(order: dict[str, Any], changed: Any) -> web.Response:
    order_id = order["order_id"]
    if changed is None:
        body = {"order_id": order_id, "status": "pending", "status_url": order_url(order_id)}
        return web.json_response(body, status=202, headers={"Location": order_url(order_id)})
    return web.json_response({"order_id": order_id, "status": changed.status})


async def _decided_order(request: web.Request, principal: Principal) -> dict[str, Any]:
    order = await visible_order(request, principal, request.match_info["order_id"])
    if order["status"] == "pending":
        raise Problem(
            409,
            "Order not decided yet",
            "The order is still pending; try again once it is decided.",
            headers={"Retry-After": "1"},
            order_id=order["order_id"],
            order_status="pending",
        )
    return order


async def visible_order(
    request: web.Request, principal: Principal, order_id: str
) -> dict[str, Any]:
    """The order if the caller owns it or is an admin; 404 otherwise, so existence never leaks.

    An order the read model does not know yet but whose request is recorded reads as pending.
    """
    order = await order_queries.get_order(request.app[keys.DATABASE], order_id)
    if order is None:
        recorded = await request.app[keys.BOOKING_REQUESTS].find(order_id)
        order = None if recorded is None else pending_order(recorded)
    if order is None or not (principal.is_admin or order["user_id"] == principal.user_id):
        raise Problem(404, "Order not found", "No order with this id is visible to you.")
    return order


def pending_order(recorded: tuple[Request, str]) -> dict[str, Any] | None:
    """A recorded order request as a pending order; None for a booking's record."""
    request, received_at = recorded
    if not isinstance(request, OrderRequest):
        return None
    body = pending_reply(request).body
    return {**body, "user_id": request.user_id, "created_at": received_at}


def _shown(order: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in order.items() if key != "user_id"}
