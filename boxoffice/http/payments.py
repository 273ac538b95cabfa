"""The payment provider's webhook: a signed event that pays an order, or says it failed.

Signed like Stripe's (see ``webhooks.signing``) under
``BOXOFFICE_PAYMENT_WEBHOOK_SECRET``: a bad, missing or stale signature is a
400 and changes nothing.  Each provider event id is applied once, however often
it is delivered: the show's inventory remembers the ids it applied.  A 2xx
tells the provider to stop delivering, so it is answered only once the event's
outcome is in the log; otherwise the answer asks for another delivery.
"""

from __future__ import annotations

import json
import time

from aiohttp import web
from pydantic import ValidationError

from boxoffice.domain.orders import ApplyPayment
from boxoffice.projections import order_queries
from boxoffice.webhooks.signing import HEADER, InvalidSignature, verify

from . import keys
from .booking import ensure_store_available
from .order_models import PaymentEventIn
from .orders import pending_order
from .problems import Problem
from .validation import field_errors

SUCCEEDED = "payment.succeeded"
FAILED = "payment.failed"


async def payment_webhook(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    body = await request.read()
    try:
        verify(
            request.app[keys.PAYMENT_WEBHOOK_SECRET],
            request.headers.get(HEADER),
            body,
            int(time.time()),
            settings.payment_webhook_tolerance_seconds,
        )
    except InvalidSignature as refused:
        raise Problem(400, "Invalid signature", str(refused)) from None
    event = _parsed(body)
    if event.type not in (SUCCEEDED, FAILED):
        return web.json_response({"received": True, "applied": False})
    order_id = event.data.order_id
    show_id = await _show_of(request, order_id)
    ensure_store_available(request)
    payment = ApplyPayment(
        order_id,
        event.type == SUCCEEDED,
        event.data.amount,
        event.data.currency.upper(),
        event.data.payment_id,
        event.id,
        "payment-provider",
    )
    order = await request.app[keys.ORDERS].pay(show_id, payment)
    if order is None:
        raise _deliver_again("The payment's outcome is not known yet.")
    return web.json_response(
        {"received": True, "applied": True, "order_id": order_id, "status": order.status}
    )


def _parsed(body: bytes) -> PaymentEventIn:
    try:
        return PaymentEventIn.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        errors = field_errors(exc) if isinstance(exc, ValidationError) else []
        raise Problem(
            400, "Invalid payment event", "The body is not a payment event.", errors=errors
        ) from None


async def _show_of(request: web.Request, order_id: str) -> str:
    """The show an order belongs to: from the read model, or from its recorded request."""
    order = await order_queries.get_order(request.app[keys.DATABASE], order_id)
    if order is not None:
        return str(order["show_id"])
    recorded = await request.app[keys.BOOKING_REQUESTS].find(order_id)
    if recorded is not None and pending_order(recorded) is not None:
        raise _deliver_again("The order is still being placed.")
    raise Problem(404, "Order not found", "No order has this id.")


def _deliver_again(detail: str) -> Problem:
    return Problem(
        409, "Not applied yet", f"{detail} Deliver the event again: it applies once.",
        headers={"Retry-After": "5"},
    )  # fmt: skip
