"""The sealer as a resource of the HTTP application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from boxoffice.http import keys

from .keys import signing_key
from .records import SealRecords
from .sealer import Sealer


async def sealer_ctx(app: web.Application) -> AsyncIterator[None]:
    """Seal the log for the application's lifetime; on shutdown, seal what was read."""
    settings = app[keys.SETTINGS]
    sealer = Sealer(
        app[keys.EVENT_STORE],
        SealRecords(app[keys.DATABASE]),
        signing_key(settings),
        settings.seal_export_path(),
        interval=settings.seal_interval_seconds,
    )
    sealer.start()
    yield
    await sealer.stop()
