"""Every route of the HTTP API, in one place."""

from __future__ import annotations

from aiohttp import web

from . import ops


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", ops.health)
    app.router.add_get("/ready", ops.ready)
