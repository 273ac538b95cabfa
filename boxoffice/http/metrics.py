"""``GET /metrics``: Prometheus text from the application's own registry.

The registry is per application (never prometheus_client's global one), so two
apps in one process, as in the tests, do not share series.  It holds the
requests by route and status, the booking answers by outcome and reason, the
ticket scans by outcome, the projections' positions and lags, the store round
trips, and the process's own metrics (prometheus_client's process, platform and GC collectors).
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from boxoffice.projections.metrics import ProjectionGauges

from . import keys
from .instruments import BookingOutcomes, CheckInOutcomes, RequestMetrics


class StoreCommands(Collector):
    """The store round trips this process has made (read from the driver's command monitor)."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    def collect(self) -> Iterable[Metric]:
        counter = self._app.get(keys.STORE_COMMANDS)
        family = CounterMetricFamily("boxoffice_store_commands", "Commands sent to the store.")
        family.add_metric([], counter.sent if counter else 0)
        yield family


def setup_metrics(app: web.Application) -> None:
    registry = CollectorRegistry()
    app[keys.METRICS_REGISTRY] = registry
    app[keys.PROJECTION_GAUGES] = ProjectionGauges(registry)
    app[keys.REQUEST_METRICS] = RequestMetrics(registry)
    app[keys.BOOKING_OUTCOMES] = BookingOutcomes(registry)
    app[keys.CHECKIN_OUTCOMES] = CheckInOutcomes(registry)
    registry.register(StoreCommands(app))
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)


async def metrics(request: web.Request) -> web.Response:
    app = request.app
    await app[keys.PROJECTION_GAUGES].refresh(app[keys.PROJECTIONS])
    return web.Response(
        body=generate_latest(app[keys.METRICS_REGISTRY]),
        headers={"Content-Type": CONTENT_TYPE_LATEST},
    )
