"""``GET /metrics``: Prometheus text from the application's own registry.

The registry is per application (never prometheus_client's global one), so two
apps in one process, as in the tests, do not share series.  Other modules may
register their own metrics on ``app[keys.METRICS_REGISTRY]``.
"""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from boxoffice.projections.metrics import ProjectionGauges

from . import keys


def setup_metrics(app: web.Application) -> None:
    registry = CollectorRegistry()
    app[keys.METRICS_REGISTRY] = registry
    app[keys.PROJECTION_GAUGES] = ProjectionGauges(registry)


async def metrics(request: web.Request) -> web.Response:
    app = request.app
    await app[keys.PROJECTION_GAUGES].refresh(app[keys.PROJECTIONS])
    return web.Response(
        body=generate_latest(app[keys.METRICS_REGISTRY]),
        headers={"Content-Type": CONTENT_TYPE_LATEST},
    )
