"""``GET /openapi.json``: an OpenAPI 3.1 document built from ``OPERATIONS`` and pydantic models.

Adding a route to the document is one entry in ``OPERATIONS``::

    Operation("POST", "/shows", "Create a show", id="createShow", tag="shows", status=201,
              body=CreateShowIn, response=ShowOut, auth="admin", errors=(409,)),

``body``, ``response`` and ``query`` take a pydantic model (its JSON Schema is
generated) or a JSON Schema dict; ``problems`` gives a status a problem body
of its own (extension members) instead of the plain ``Problem``. Path parameters come from ``{name}`` in the
path. The errors every route can give (500, 503; 400/413/415/422 with a body;
401/403 with auth) are added for you; list only the route's own in ``errors``.
A test fails when a route served by the app is missing here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from boxoffice.domain.inventory import (
    INSUFFICIENT_AVAILABILITY,
    NOT_ON_SALE,
    PER_USER_LIMIT,
    SHOW_CANCELLED,
    SHOW_OVER,
    SOLD_OUT,
    UNKNOWN_CATEGORY,
    UNKNOWN_SHOW,
)
from boxoffice.domain.show_changes import CAPACITY_BELOW_TAKEN, CATEGORY_EXISTS
from boxoffice.domain.tickets import ALREADY_CHECKED_IN, CHECK_IN_REFUSALS
from boxoffice.settings import Settings

from . import keys
from .booking import REJECTION_TYPE
from .booking_models import (
    BookIn,
    BookingListOut,
    BookingOut,
    BookingStatusOut,
    CancelIn,
    CreateShowIn,
    OffersOut,
    SearchQuery,
    ShowOut,
    StatusQuery,
)
from .checkin import REFUSAL_TYPE
from .feed_models import (
    FeedOut,
    FeedQuery,
    WebhookCreatedOut,
    WebhookIn,
    WebhookListOut,
)
from .idempotency import IDEMPOTENCY_KEY_PATTERN
from .json_body import MAX_DEPTH, MAX_MEMBERS
from .order_models import (
    OrderOut,
    OrderPageOut,
    OrdersQuery,
    PaymentEventIn,
    PaymentReceivedOut,
    PlaceOrderIn,
)
from .problems import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from .problems import MAX_REPORTED_ERRORS
from .request_log import HEADER as REQUEST_ID
from .sessions import PasswordChangeIn, RefreshIn, TokenOut
from .show_models import (
    BookingsQuery,
    CancellationOut,
    ChangeShowIn,
    SalesOut,
    ShowListOut,
    ShowListQuery,
)
from .ticket_models import CheckedInOut, CheckInIn, CheckinsOut, TicketsOut
from .users import LoginIn, RegisteredOut, RegisterIn

Schema = type[BaseModel] | dict[str, Any]
REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    id: str = field(kw_only=True)
    """The operationId: what a generated client names the call."""
    tag: str = field(kw_only=True)
    status: int = 200
    body: Schema | None = None
    response: Schema | None = None
    query: Schema | None = None
    headers: tuple[tuple[str, dict[str, Any]], ...] = ()
    auth: Literal["none", "user", "scanner", "admin"] = "none"
    errors: tuple[int, ...] = ()
    problems: tuple[tuple[int, dict[str, Any]], ...] = ()
    media_type: str = "application/json"
    location: bool = False
    """The success (and a 202) carries ``Location``: where the created thing can be read."""
    description: str | None = None


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
    }


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


_STR: dict[str, Any] = {"type": "string"}
_INT: dict[str, Any] = {"type": "integer"}
_STATUS = {"type": "string", "enum": ["pending", "confirmed", "rejected", "cancelled"]}
CANCELLED = _object({"booking_id": _STR, "status": _STATUS}, {"status_url": _STR})
BOOKING_STATUSES = {"oneOf": [_ref(BookingStatusOut), _ref(BookingListOut)]}
# Models only reached through a hand-written schema (``_ref``) above.
REFERENCED: tuple[type[BaseModel], ...] = (BookingStatusOut, BookingListOut)
IDEMPOTENCY_KEY = {
    "type": "string",
    "pattern": IDEMPOTENCY_KEY_PATTERN,
    "description": "1 to 200 visible ASCII characters; a retry with the same key returns the stored reply.",
}

PROBLEM_REF = {"$ref": REF.format(model="Problem")}


def _problem_with(
    required: dict[str, Any], optional: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Problem with extension members."""
    return {"allOf": [PROBLEM_REF, _object(required, optional)]}


REJECTION_REASONS = [
    SOLD_OUT,
    INSUFFICIENT_AVAILABILITY,
    PER_USER_LIMIT,
    UNKNOWN_SHOW,
    UNKNOWN_CATEGORY,
    NOT_ON_SALE,
    SHOW_OVER,
    SHOW_CANCELLED,
]
BOOKING_REJECTED = _problem_with(
    {
        "type": {"const": REJECTION_TYPE},
        "status": {"const": 409},
        "reason": {"type": "string", "enum": REJECTION_REASONS},
    },
    {
        "booking_id": {**_STR, "description": "Absent when the show or category is unknown."},
        "show_id": _STR,
        "category": _STR,
        "quantity": _INT,
    },
)
SHOW_CHANGE_REFUSED = _problem_with(
    {
        "status": {"const": 409},
        "reason": {
            "type": "string",
            "enum": [CAPACITY_BELOW_TAKEN, CATEGORY_EXISTS, UNKNOWN_CATEGORY, SHOW_CANCELLED],
        },
    },
    {
        "category": _STR,
        "capacity": {**_INT, "description": "The capacity asked for."},
        "taken": {**_INT, "description": "Seats sold plus held: the lowest capacity allowed."},
        "show_status": _STR,
    },
)
BOOKING_NOT_CANCELLABLE = _problem_with({"booking_id": _STR, "booking_status": _STATUS})
# A plain Problem too: 409 "request in progress" for an Idempotency-Key still being decided.
BOOKING_CONFLICT = {"anyOf": [{"$ref": REF.format(model="BookingRejected")}, PROBLEM_REF]}
CHECK_IN_REFUSED = _problem_with(
    {
        "type": {"const": REFUSAL_TYPE},
        "status": {"const": 409},
        "reason": {"type": "string", "enum": list(CHECK_IN_REFUSALS)},
        "ticket_id": _STR,
    },
    {"checked_in_at": {**_STR, "description": f"Only with reason {ALREADY_CHECKED_IN}."}},
)
TAGS = (
    ("auth", "Accounts and bearer tokens"),
    ("shows", "Shows and ticket search"),
    ("booking", "Booking, status and cancellation"),
    ("orders", "Orders: seats held while the buyer pays, the payment provider's webhook"),
    ("tickets", "Tickets of bookings and orders, and check-in at the door"),
    ("organisers", "Sales figures and every booking, for admins"),
    ("feed", "The public event feed and webhook subscriptions, for admins"),
    ("operations", "Health, readiness, metrics and this document"),
)
LOGIN_LIMITS = (
    "Every attempt counts against a ceiling per client address (BOXOFFICE_LOGIN_RATE); failed "
    "attempts count per account at one address (BOXOFFICE_LOGIN_FAILURES_PER_ACCOUNT) and per "
    "address (BOXOFFICE_LOGIN_FAILURES_PER_ADDRESS). Past a limit: 429 with Retry-After."
)
REFRESH_ROTATION = (
    "Answers a new access token and a new refresh token; the one sent is used up. Sending a used "
    "refresh token again revokes its whole family (every token descended from its login): of two "
    "concurrent refreshes of one token one succeeds, the other is a 401 and ends the session. The "
    "access token carries the user's role as it is now."
)
PASSWORD_CHANGE = (
    "Ends every session of the user (their refresh tokens stop working) and answers a new one for "
    "the caller. A wrong current password is a 403 and counts as a failed login (429 past the limit)."
)
BOOKING_TICKETS = (
    "The owner's or an admin's; anyone else gets a 404. A confirmed booking's missing tickets "
    "are issued on this read. qr_url serves the secret as an SVG QR code."
)
ORDER_TICKETS = (
    "The owner's or an admin's; anyone else gets a 404. An order has tickets once it is paid."
)
CHECK_IN = (
    "For scanners and admins. Admits a valid ticket once: of several gates scanning one ticket "
    "at the same moment one gets 200, the others 409 already_checked_in. A retry with the nonce "
    "of the admitting scan gets the same 200. show_id names the show the gate serves "
    "(409 wrong_show for another). revoked: the booking or order was cancelled; unpaid: the "
    "order became refund_due."
)
FEED = (
    "The public part of each event after position `after`, in log order: an allow-list of fields "
    "per event type, never a password hash or other secret. Positions rise strictly but may skip "
    "numbers; pass next_after back as after."
)
WEBHOOK_CREATED = (
    "Every event of the listed types recorded from now on is POSTed to url, one event per request, "
    "in log order, at least once, signed with Boxoffice-Signature: t=<unix time>,v1=<hex "
    'HMAC-SHA256 of "<t>.<raw body>"> under the secret, which is shown only in this answer.'
)
ORDER_PLACED = (
    "Holds every item or none, in one decision of the show's inventory, until expires_at (the "
    "show's hold time). Held seats are unavailable to others and count against the show's "
    "per-user limit. 201 awaiting_payment; 409 with the reason and the refused items; 202 when "
    "the decision is not known yet (read it at Location). Items are priced from the catalog; "
    "items in two currencies are a 422."
)
PAYMENT_WEBHOOK = (
    "For the payment provider. Signed with Boxoffice-Signature: t=<unix time>,v1=<hex "
    'HMAC-SHA256 of "<t>.<raw body>"> under BOXOFFICE_PAYMENT_WEBHOOK_SECRET; a missing, wrong or '
    "stale (over 300 s) signature is a 400. Each event id is applied once. payment.succeeded with "
    "the order's amount and currency pays it (after expiry: if its seats can be held again, else "
    "refund_due); a mismatch or payment.failed is recorded and leaves it unpaid. 200 once the "
    "outcome is in the log; 409 with Retry-After asks for another delivery (outcome not known "
    "yet); other event types are acknowledged and ignored."
)
ORDER_STATUS = {
    "type": "string",
    "enum": ["pending", "awaiting_payment", "paid", "expired", "cancelled", "refund_due"],
}
ORDER_CHANGED = _object({"order_id": _STR, "status": ORDER_STATUS}, {"status_url": _STR})
ORDER_REJECTED = _problem_with(
    {
        "type": {"const": "https://boxoffice.example/problems/order-rejected"},
        "status": {"const": 409},
        "reason": {"type": "string", "enum": REJECTION_REASONS},
        "refused": {"type": "array", "items": _object({"category": _STR, "quantity": _INT})},
    },
    {"order_id": _STR, "show_id": _STR},
)
ORDER_NOT_CHANGEABLE = _problem_with({"order_id": _STR, "order_status": ORDER_STATUS})
ORDER_CONFLICT = {"anyOf": [{"$ref": REF.format(model="OrderRejected")}, PROBLEM_REF]}
SHOW_CHANGE = (
    "Changes only the fields given. Capacity and categories change in the show's inventory, "
    "all or nothing: a capacity below the seats sold plus held is a 409 capacity_below_taken "
    "and nothing changes. A cancelled show (or one being cancelled) is a 409 show_cancelled."
)
SHOW_CANCEL = (
    "Closes sales at once (bookings and orders are then refused with show_cancelled), then "
    "cancels every confirmed booking and every held or paid order of the show in the "
    "background (paid orders become refund_due), exactly once even across a crash. 202 while "
    "that runs (GET the show: status cancelling), 200 once complete (status cancelled); "
    "sending it again is harmless."
)
SALES = (
    "Per category: capacity, seats held by unpaid orders, sold (confirmed bookings and paid "
    "orders, not cancelled), cancelled seats, tickets checked in, and the revenue of the seats "
    "sold (decimal string)."
)
BODIES = (
    "A JSON object in UTF-8 (another charset is a 415). A repeated key, a number with a fraction "
    "or an exponent where an integer is due, or a control character in a text field is a 422; "
    f"more than {MAX_MEMBERS} members is a 413; nesting deeper than {MAX_DEPTH} levels or a body "
    "that cannot be decoded (Content-Encoding) is a 400."
)

OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/health", "Liveness", id="health", tag="operations", response=_object({"status": _STR})),
    Operation(
        "GET", "/ready", "Readiness: the store answers", id="ready", tag="operations",
        response=_object({"status": _STR}),
    ),
    Operation("GET", "/metrics", "Prometheus metrics", id="metrics", tag="operations", media_type="text/plain"),
    Operation(
        "GET", "/openapi.json", "This document", id="openapi", tag="operations",
        response={"type": "object"},
    ),
    Operation(
        "POST", "/auth/register", "Register", id="register", tag="auth", status=201, body=RegisterIn,
        response=RegisteredOut, errors=(409, 429),
    ),
    Operation(
        "POST", "/auth/login", "Log in for a bearer token", id="login", tag="auth", body=LoginIn,
        response=TokenOut, errors=(401, 429), description=LOGIN_LIMITS,
    ),
    Operation(
        "POST", "/auth/refresh", "Rotate a refresh token for a new token pair", id="refresh",
        tag="auth", body=RefreshIn, response=TokenOut, errors=(401,),
        description=REFRESH_ROTATION,
    ),
    Operation(
        "POST", "/auth/logout", "End a session (revoke the refresh token's family)", id="logout",
        tag="auth", status=204, body=RefreshIn, errors=(401,),
    ),
    Operation(
        "POST", "/auth/password", "Change my password", id="changePassword", tag="auth",
        body=PasswordChangeIn, response=TokenOut, auth="user", errors=(403, 409, 429),
        description=PASSWORD_CHANGE,
    ),
    Operation(
        "POST", "/shows", "Create a show", id="createShow", tag="shows", status=201,
        body=CreateShowIn, response=ShowOut, auth="admin", location=True,
    ),
    Operation(
        "GET", "/shows", "List shows by start time", id="listShows", tag="shows",
        query=ShowListQuery, response=ShowListOut, errors=(422,),
    ),
    Operation(
        "GET", "/shows/{show_id}", "A show with availability", id="getShow", tag="shows",
        response=ShowOut, errors=(404,),
    ),
    Operation(
        "PATCH", "/shows/{show_id}", "Change a show", id="changeShow", tag="shows",
        body=ChangeShowIn, response=ShowOut, auth="admin", errors=(404, 409),
        problems=((409, {"$ref": REF.format(model="ShowChangeRefused")}),),
        description=SHOW_CHANGE,
    ),
    Operation(
        "POST", "/shows/{show_id}/cancel", "Cancel a show (202 while cancelling)",
        id="cancelShow", tag="shows", response=CancellationOut, auth="admin",
        errors=(202, 404), location=True, description=SHOW_CANCEL,
    ),
    Operation(
        "GET", "/shows/{show_id}/sales", "A show's sales by category", id="showSales",
        tag="organisers", response=SalesOut, auth="admin", errors=(404,), description=SALES,
    ),
    Operation(
        "GET", "/bookings", "Every booking, newest first, with filters", id="listBookings",
        tag="organisers", query=BookingsQuery, response=BookingListOut, auth="admin",
        errors=(422,),
    ),
    Operation(
        "GET", "/booking/tickets", "Search available tickets", id="searchTickets", tag="shows",
        query=SearchQuery, response=OffersOut, errors=(422,),
    ),
    Operation(
        "POST", "/booking/tickets/book", "Book tickets (201 confirmed, 202 pending)",
        id="bookTickets", tag="booking", status=201, body=BookIn, response=BookingOut,
        headers=(("Idempotency-Key", IDEMPOTENCY_KEY),), auth="user", errors=(202, 409, 429),
        problems=((409, BOOKING_CONFLICT),), location=True,
    ),
    Operation(
        "GET", "/booking/tickets/status",
        "A booking's status (booking_id), or all of mine ({items: [...]})",
        id="bookingStatus", tag="booking", query=StatusQuery, response=BOOKING_STATUSES,
        auth="user", errors=(404, 422),
    ),
    Operation(
        "POST", "/booking/tickets/cancel", "Cancel a booking", id="cancelBooking", tag="booking",
        body=CancelIn, response=CANCELLED, auth="user", errors=(202, 404, 409),
        problems=((409, {"$ref": REF.format(model="BookingNotCancellable")}),),
    ),
    Operation(
        "POST", "/orders", "Place an order: hold seats while the buyer pays", id="placeOrder",
        tag="orders", status=201, body=PlaceOrderIn, response=OrderOut,
        headers=(("Idempotency-Key", IDEMPOTENCY_KEY),), auth="user", errors=(202, 409, 429),
        problems=((409, ORDER_CONFLICT),), location=True, description=ORDER_PLACED,
    ),
    Operation(
        "GET", "/orders", "My orders (an admin's: everyone's, filtered), newest first",
        id="listOrders", tag="orders", query=OrdersQuery, response=OrderPageOut, auth="user",
        errors=(403, 422),
    ),
    Operation(
        "GET", "/orders/{order_id}", "An order (owner or admin)", id="getOrder", tag="orders",
        response=OrderOut, auth="user", errors=(404,),
    ),
    Operation(
        "POST", "/orders/{order_id}/cancel",
        "Cancel an order: held seats return; a paid order becomes refund_due",
        id="cancelOrder", tag="orders", response=ORDER_CHANGED, auth="user",
        errors=(202, 404, 409), problems=((409, {"$ref": REF.format(model="OrderNotChangeable")}),),
    ),
    Operation(
        "POST", "/orders/{order_id}/mark-paid", "Record a payment at the box office (admin)",
        id="markOrderPaid", tag="orders", response=ORDER_CHANGED, auth="admin",
        errors=(202, 404, 409), problems=((409, {"$ref": REF.format(model="OrderNotChangeable")}),),
    ),
    Operation(
        "POST", "/payments/webhook", "The payment provider's signed event", id="paymentWebhook",
        tag="orders", body=PaymentEventIn, response=PaymentReceivedOut,
        headers=(("Boxoffice-Signature", {"type": "string"}),), errors=(404, 409),
        description=PAYMENT_WEBHOOK,
    ),
    Operation(
        "GET", "/booking/tickets/{booking_id}/tickets", "A booking's tickets",
        id="listBookingTickets", tag="tickets", response=TicketsOut, auth="user", errors=(404,),
        description=BOOKING_TICKETS,
    ),
    Operation(
        "GET", "/orders/{order_id}/tickets", "An order's tickets", id="listOrderTickets",
        tag="tickets", response=TicketsOut, auth="user", errors=(404,), description=ORDER_TICKETS,
    ),
    Operation(
        "GET", "/tickets/{ticket_id}/qr.svg", "A ticket's secret as an SVG QR code",
        id="getTicketQrCode", tag="tickets", auth="user", errors=(404,), media_type="image/svg+xml",
    ),
    Operation(
        "POST", "/checkin", "Check a ticket in at the door", id="checkIn", tag="tickets",
        body=CheckInIn, response=CheckedInOut, auth="scanner", errors=(404, 409),
        problems=((409, {"$ref": REF.format(model="CheckInRefused")}),), description=CHECK_IN,
    ),
    Operation(
        "GET", "/shows/{show_id}/checkins", "How many of a show's tickets are checked in",
        id="showCheckins", tag="tickets", response=CheckinsOut, auth="scanner", errors=(404,),
    ),
    Operation(
        "GET", "/events", "The public event feed", id="listEvents", tag="feed", query=FeedQuery,
        response=FeedOut, auth="admin", errors=(422,), description=FEED,
    ),
    Operation(
        "POST", "/webhooks", "Subscribe a URL to events", id="createWebhook", tag="feed",
        status=201, body=WebhookIn, response=WebhookCreatedOut, auth="admin",
        description=WEBHOOK_CREATED,
    ),
    Operation(
        "GET", "/webhooks", "Webhook subscriptions and their delivery state", id="listWebhooks",
        tag="feed", response=WebhookListOut, auth="admin",
    ),
    Operation(
        "DELETE", "/webhooks/{webhook_id}", "Delete a webhook subscription", id="deleteWebhook",
        tag="feed", status=204, auth="admin", errors=(404,),
    ),
)  # fmt: skip

PROBLEM = {
    "type": "object",
    "properties": {
        "type": _STR,
        "title": _STR,
        "status": _INT,
        "detail": _STR,
        "errors": {
            "type": "array",
            "maxItems": MAX_REPORTED_ERRORS,
            "items": _object({"field": _STR, "message": _STR}),
            "description": "The fields at fault; when there are more, detail says how many.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _models(operations: Iterable[Operation]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    found: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for op in operations:
        if isinstance(op.body, type):
            found[(op.body, "validation")] = None
        if isinstance(op.response, type):
            found[(op.response, "serialization")] = None
    for model in REFERENCED:
        found[(model, "serialization")] = None
    return list(found)


def _query_value(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a string: ``X | None`` documents as ``X``."""
    present = [s for s in schema.get("anyOf", ()) if s != {"type": "null"}]
    if len(present) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and (k, v) != ("default", None)}
    return {**present[0], **rest}


def _parameters(op: Operation) -> list[dict[str, Any]]:
    path = [
        {"name": name, "in": "path", "required": True, "schema": _STR}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    query: list[dict[str, Any]] = []
    if op.query is not None:
        schema = op.query if isinstance(op.query, dict) else op.query.model_json_schema()
        required = set(schema.get("required", ()))
        query = [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": _query_value(prop),
            }
            for name, prop in schema["properties"].items()
        ]
    headers = [
        {"name": name, "in": "header", "required": False, "schema": schema}
        for name, schema in op.headers
    ]
    return path + query + headers


def _errors(op: Operation) -> list[int]:
    implied = [500, 503]
    if op.body is not None:
        implied += [400, 413, 415, 422]
    if op.auth != "none":
        implied.append(401)
    if op.auth in ("scanner", "admin"):
        implied.append(403)
    return sorted(set(implied) | set(op.errors))


def _header(required: bool, schema: dict[str, Any] = _STR) -> dict[str, Any]:
    return {"required": required, "schema": schema}


_SECONDS = {"type": "string", "pattern": "^[0-9]+$"}
# Response headers by status, beyond X-Request-ID which every response carries.
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": _header(True)},
    429: {
        "Retry-After": _header(True, _SECONDS),
        "RateLimit-Limit": _header(False, _SECONDS),
        "RateLimit-Remaining": _header(False, _SECONDS),
        "RateLimit-Reset": _header(False, _SECONDS),
    },
    503: {"Retry-After": _header(False, _SECONDS)},
}


def _headers(op: Operation, status: int) -> dict[str, Any]:
    headers = {REQUEST_ID: _header(True), **HEADERS.get(status, {})}
    if op.location and status in (op.status, 202):
        headers["Location"] = _header(True)
    return headers


def _responses(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        schema = (
            refs[(op.response, "serialization")] if isinstance(op.response, type) else op.response
        )
        success["content"] = {op.media_type: {"schema": schema}}
    elif op.media_type != "application/json":
        success["content"] = {op.media_type: {"schema": _STR}}
    problems = dict(op.problems)
    responses = {str(op.status): {**success, "headers": _headers(op, op.status)}}
    for status in _errors(op):
        if status < 400:
            described = {"description": "Accepted, not decided yet", **success}
        else:
            schema = problems.get(status, PROBLEM_REF)
            described = {
                "description": HTTPStatus(status).phrase,
                "content": {PROBLEM_CONTENT_TYPE: {"schema": schema}},
            }
        responses[str(status)] = {**described, "headers": _headers(op, status)}
    return responses


def _operation(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": op.id,
        "tags": [op.tag],
        "summary": op.summary,
        "responses": _responses(op, refs),
    }
    if op.description is not None:
        document["description"] = op.description
    parameters = _parameters(op)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        schema = refs[(op.body, "validation")] if isinstance(op.body, type) else op.body
        document["requestBody"] = {
            "required": True,
            "description": BODIES,
            "content": {"application/json": {"schema": schema}},
        }
    if op.auth != "none":
        document["security"] = [{"bearer": []}]
    return document


def _with_settings(definitions: dict[str, Any], max_quantity: int) -> dict[str, Any]:
    """Limits that come from the configuration rather than from a model."""
    book, item = definitions["BookIn"], definitions["OrderItemIn"]
    quantity = {**book["properties"]["quantity"], "maximum": max_quantity}
    return {
        **definitions,
        "BookIn": {**book, "properties": {**book["properties"], "quantity": quantity}},
        "OrderItemIn": {**item, "properties": {**item["properties"], "quantity": quantity}},
    }


DEFAULT_MAX_QUANTITY: int = Settings.model_fields["max_quantity"].default


@functools.cache
def openapi_document(max_quantity: int = DEFAULT_MAX_QUANTITY) -> dict[str, Any]:
    refs, definitions = models_json_schema(_models(OPERATIONS), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    schemas = _with_settings(definitions.get("$defs", {}), max_quantity)
    return {
        "openapi": "3.1.0",
        "info": {"title": "boxoffice", "version": "1"},
        "tags": [{"name": name, "description": description} for name, description in TAGS],
        "paths": paths,
        "components": {
            "schemas": {
                **schemas,
                "Problem": PROBLEM,
                "BookingRejected": BOOKING_REJECTED,
                "BookingNotCancellable": BOOKING_NOT_CANCELLABLE,
                "OrderRejected": ORDER_REJECTED,
                "OrderNotChangeable": ORDER_NOT_CHANGEABLE,
                "CheckInRefused": CHECK_IN_REFUSED,
                "ShowChangeRefused": SHOW_CHANGE_REFUSED,
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document(request.app[keys.SETTINGS].max_quantity))
