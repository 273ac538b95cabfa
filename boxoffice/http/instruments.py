"""The application's own metric families, each registered on the app's registry."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram

from boxoffice.commands.booking import Reply

UNMATCHED = "unmatched"
"""The route label of a request no route matched (404, 405, a CORS preflight)."""
REQUEST_LABELS = ("method", "route", "status")


class RequestMetrics:
    """Requests counted and timed by route (its canonical path, never the raw URL) and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._requests = Counter(
            "boxoffice_http_requests", "HTTP requests answered.", REQUEST_LABELS, registry=registry
        )
        self._seconds = Histogram(
            "boxoffice_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            REQUEST_LABELS,
            registry=registry,
        )

    def observe(self, request: web.Request, status: int, seconds: float) -> None:
        resource = request.match_info.route.resource
        labels = (request.method, resource.canonical if resource else UNMATCHED, str(status))
        self._requests.labels(*labels).inc()
        self._seconds.labels(*labels).observe(seconds)


class BookingOutcomes:
    """Booking answers by outcome (confirmed, rejected, pending) and rejection reason."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._answers = Counter(
            "boxoffice_booking_outcomes",
            "Booking requests answered, by outcome and rejection reason.",
            ("outcome", "reason"),
            registry=registry,
        )

    def count(self, reply: Reply) -> None:
        self._answers.labels(reply.body["status"], reply.body.get("reason") or "").inc()


class CheckInOutcomes:
    """Scans decided at the gates, by outcome: admitted, or the reason of the refusal."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._scans = Counter(
            "boxoffice_checkins",
            "Ticket scans decided, by outcome.",
            ("outcome",),
            registry=registry,
        )

    def count(self, outcome: str) -> None:
        self._scans.labels(outcome).inc()
