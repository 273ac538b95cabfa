"""The webhook dispatcher and its HTTP client as resources of the HTTP application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from boxoffice.http import keys

from .delivery import USER_AGENT
from .destinations import PublicResolver
from .dispatcher import Dispatcher
from .subscriptions import Subscriptions


async def webhooks_ctx(app: web.Application) -> AsyncIterator[None]:
    """Deliver webhooks for the application's lifetime, from every server process."""
    settings = app[keys.SETTINGS]
    subscriptions = Subscriptions(app[keys.DATABASE]["webhooks"])
    app[keys.WEBHOOKS] = subscriptions
    resolver = None if settings.webhook_allow_private else PublicResolver()
    connector = aiohttp.TCPConnector(resolver=resolver, limit=100)
    async with aiohttp.ClientSession(
        connector=connector, headers={"User-Agent": USER_AGENT}, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        dispatcher = Dispatcher(
            app[keys.EVENT_STORE],
            subscriptions,
            session,
            retry_base_seconds=settings.webhook_retry_base_seconds,
            timeout_seconds=settings.webhook_timeout_seconds,
            give_up_seconds=settings.webhook_give_up_seconds,
            allow_private=settings.webhook_allow_private,
        )
        dispatcher.start()
        yield
        await dispatcher.stop()
