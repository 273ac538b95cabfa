"""Operational endpoints: liveness and readiness."""

from __future__ import annotations

from aiohttp import web
from pymongo.errors import PyMongoError

from . import keys


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers. It says nothing about the store."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: the store answers a ping."""
    try:
        await request.app[keys.DATABASE].command("ping")
    except PyMongoError:
        return web.json_response({"status": "unavailable", "store": "down"}, status=503)
    return web.json_response({"status": "ready"})
