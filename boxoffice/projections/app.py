"""The projector runner as a resource of the HTTP application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from boxoffice.http import keys

from .runner import ProjectionRunner


async def projections_ctx(app: web.Application) -> AsyncIterator[None]:
    """Follow the log into the read models for the application's lifetime."""
    runner = ProjectionRunner(app[keys.DATABASE], app[keys.EVENT_STORE])
    runner.start()
    app[keys.PROJECTIONS] = runner
    yield
    await runner.stop()
