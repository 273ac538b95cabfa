"""The application factory: resources live in cleanup_ctx, routes in routes.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from boxoffice.database import connect
from boxoffice.eventstore import MongoEventStore
from boxoffice.settings import Settings

from . import keys
from .routes import setup_routes


async def _mongo(app: web.Application) -> AsyncIterator[None]:
    client = connect(app[keys.STORE_URI])
    app[keys.MONGO_CLIENT] = client
    app[keys.DATABASE] = client[app[keys.SETTINGS].db_name]
    yield
    await client.close()


async def _event_store(app: web.Application) -> AsyncIterator[None]:
    store = MongoEventStore(app[keys.DATABASE])
    await store.ensure_indexes()
    app[keys.EVENT_STORE] = store
    yield


def create_app(settings: Settings, store_uri: str) -> web.Application:
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[keys.SETTINGS] = settings
    app[keys.STORE_URI] = store_uri
    app.cleanup_ctx.extend([_mongo, _event_store])
    setup_routes(app)
    return app
