"""Every request counted and timed (``RequestMetrics``), whatever it is answered with."""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler

from . import keys


@web.middleware
async def request_metrics(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        request.app[keys.REQUEST_METRICS].observe(request, status, time.perf_counter() - started)
