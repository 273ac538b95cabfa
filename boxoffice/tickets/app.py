"""The ticket issuer as a resource of the HTTP application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from boxoffice.http import keys

from .issuer import TicketIssuer


async def tickets_ctx(app: web.Application) -> AsyncIterator[None]:
    """Issue and revoke tickets for the application's lifetime, from every server process."""
    issuer = TicketIssuer(app[keys.EVENT_STORE], app[keys.DATABASE]["followers"])
    issuer.start()
    yield
    await issuer.stop()
