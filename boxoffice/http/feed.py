"""``GET /events``: the public part of the log, in global order, for admins."""

from __future__ import annotations

from aiohttp import web

from boxoffice.webhooks.public_events import public_event

from . import keys
from .auth import authenticated, require_admin
from .feed_models import FeedQuery
from .validation import parse_query


async def events(request: web.Request) -> web.Response:
    require_admin(await authenticated(request))
    query = parse_query(request, FeedQuery)
    store = request.app[keys.EVENT_STORE]
    items = [public_event(e) async for e in store.read_all(query.after, limit=query.limit)]
    next_after = items[-1]["position"] if items else query.after
    return web.json_response({"items": items, "next_after": next_after})
