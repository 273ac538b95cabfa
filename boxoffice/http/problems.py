"""Every failure leaves as ``application/problem+json`` (RFC 9457), from one middleware.

Handlers raise ``Problem``; domain and store exceptions are mapped here; anything
else is logged with its traceback and answered with a bare 500, so no driver
message, hash or token ever reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pymongo.errors import ConnectionFailure

from boxoffice.commands.booking_requests import KeyInFlight, KeyReusedWithAnotherBody
from boxoffice.commands.show_changes import InvalidSchedule
from boxoffice.commands.shows import UnknownShow
from boxoffice.domain.inventory import SHOW_CANCELLED, BookingNotCancellable, UnknownBooking
from boxoffice.domain.orders import OrderNotChangeable, UnknownOrder
from boxoffice.domain.show_changes import ChangeRefused, ShowNotChangeable
from boxoffice.eventstore import StoreUnavailable
from boxoffice.projections.cursors import InvalidCursor
from boxoffice.tickets.ledger import TicketContended

from . import keys

CONTENT_TYPE = "application/problem+json"
STORE_RETRY_AFTER_SECONDS = 5
# A 422 lists this many field errors at most: a body of a thousand unknown keys gets a short answer.
MAX_REPORTED_ERRORS = 20
# Headers of an aiohttp HTTPException that describe its own text body, not the problem.
_BODY_HEADERS = frozenset({"content-type", "content-length"})

log = logging.getLogger(__name__)


class Problem(Exception):
    """An RFC 9457 problem a handler raises; ``extra`` become extension members.

    ``Problem(409, "Booking rejected", "...", booking_id=..., reason="sold_out")``.
    The standard members always win over an extension of the same name.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        /,
        *,
        type: str = "about:blank",
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self) -> dict[str, Any]:
        standard = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        return {**self.extra, **standard}

    def response(self) -> web.Response:
        return web.json_response(
            self.body(), status=self.status, headers=self.headers, content_type=CONTENT_TYPE
        )


def _phrase(status: int) -> str:
    return HTTPStatus(status).phrase


def store_unavailable() -> Problem:
    return Problem(
        503,
        _phrase(503),
        "The event store is unavailable; retry later (the same Idempotency-Key is safe).",
        headers={"Retry-After": str(STORE_RETRY_AFTER_SECONDS)},
    )


def invalid(errors: list[dict[str, str]]) -> Problem:
    """422 naming the fields at fault: the first MAX_REPORTED_ERRORS, and how many more there are."""
    listed = errors[:MAX_REPORTED_ERRORS]
    detail = "The request has invalid fields."
    if len(errors) > len(listed):
        detail += f" {len(errors) - len(listed)} more are not listed."
    return Problem(422, "Invalid request", detail, errors=listed)


def _from_http(request: web.Request, exc: web.HTTPException) -> Problem:
    """aiohttp's own errors (no route, wrong method, body too large) as problems."""
    headers = {k: v for k, v in exc.headers.items() if k.lower() not in _BODY_HEADERS}
    details = {
        404: "Nothing is served at this path.",
        405: f"{request.method} is not allowed here; allowed: {headers.get('Allow', 'none')}.",
        413: f"The body exceeds {request.app[keys.SETTINGS].max_body_bytes} bytes.",
    }
    detail = details.get(exc.status, exc.reason)
    return Problem(exc.status, _phrase(exc.status), detail, headers=headers)


def _from_domain(exc: Exception) -> Problem | None:
    match exc:
        case BookingNotCancellable():
            return Problem(
                409,
                "Booking not cancellable",
                f"The booking is {exc.status}; only confirmed bookings can be cancelled.",
                booking_id=exc.booking_id,
                booking_status=exc.status,
            )
        case UnknownBooking():
            return Problem(404, "Booking not found", "No booking with this id is visible to you.")
        case KeyInFlight():
            return Problem(
                409,
                "Request in progress",
                "A request with this Idempotency-Key is still being processed; retry shortly.",
                headers={"Retry-After": "1"},
            )
        case KeyReusedWithAnotherBody():
            return Problem(
                422,
                "Idempotency-Key reused",
                "This Idempotency-Key was already used with a different request body.",
            )
        case UnknownOrder():
            return Problem(404, "Order not found", "No order with this id is visible to you.")
        case OrderNotChangeable():
            return Problem(
                409,
                "Order not changeable",
                f"The order is {exc.status}: {exc}.",
                order_id=exc.order_id,
                order_status=exc.status,
            )
        case UnknownShow():
            return Problem(404, "Show not found", "No show has this id.")
        case InvalidSchedule():
            return invalid([{"field": f, "message": m} for f, m in exc.problems])
        case ChangeRefused():
            members: dict[str, Any] = {"reason": exc.reason, "category": exc.category, **exc.facts}
            return Problem(409, "Change refused", f"Nothing was changed: {exc.detail}.", **members)
        case ShowNotChangeable():
            return Problem(
                409,
                "Show cancelled",
                f"The show is {exc.status}; it can no longer change.",
                reason=SHOW_CANCELLED,
                show_status=exc.status,
            )
        case InvalidCursor():
            return invalid([{"field": "cursor", "message": "is not a cursor this service issued"}])
        case TicketContended():
            return Problem(
                503,
                _phrase(503),
                "The ticket is changing under too many requests at once; retry.",
                headers={"Retry-After": "1"},
            )
        case StoreUnavailable() | ConnectionFailure():
            log.warning("store unavailable: %s", exc)
            return store_unavailable()
    return None


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Problem as problem:
        return problem.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _from_http(request, exc).response()
    except Exception as exc:
        mapped = _from_domain(exc)
        if mapped is not None:
            return mapped.response()
        log.exception("unhandled error in %s %s", request.method, request.path)
        return Problem(
            500, _phrase(500), "An unexpected error occurred; it has been logged."
        ).response()
