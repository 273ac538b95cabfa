"""Operational endpoints: liveness and readiness."""

from __future__ import annotations

from aiohttp import web
from pymongo.errors import PyMongoError

from . import keys
from .problems import Problem, store_unavailable


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers. It says nothing about the store."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: not shutting down, the store answers a ping, every projection follows the log."""
    if request.app[keys.DRAINING].is_set():
        raise Problem(503, "Service Unavailable", "The server is shutting down.")
    try:
        if not request.app[keys.STORE_HEALTH].available:
            raise PyMongoError("the driver's monitor sees no usable server")
        await request.app[keys.DATABASE].command("ping")
    except PyMongoError:
        raise store_unavailable() from None
    if stopped := request.app[keys.PROJECTIONS].stopped_projections():
        raise Problem(503, "Service Unavailable", f"Projections stopped: {', '.join(stopped)}.")
    return web.json_response({"status": "ready"})
