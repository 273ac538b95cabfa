"""What organisers see (admin): a show's sales, and every booking with filters."""

from __future__ import annotations

from aiohttp import web

from boxoffice.projections import queries, show_queries

from . import keys
from .auth import authenticated, require_admin
from .problems import Problem
from .show_models import BookingsQuery
from .validation import parse_query


async def sales(request: web.Request) -> web.Response:
    require_admin(await authenticated(request))
    show_id = request.match_info["show_id"]
    categories = await show_queries.show_sales(request.app[keys.DATABASE], show_id)
    if categories is None:
        raise Problem(404, "Show not found", "No show has this id.")
    return web.json_response({"show_id": show_id, "categories": categories})


async def bookings(request: web.Request) -> web.Response:
    require_admin(await authenticated(request))
    query = parse_query(request, BookingsQuery)
    items, next_cursor = await queries.list_bookings(
        request.app[keys.DATABASE],
        show_id=query.show_id,
        user_id=query.user_id,
        status=query.status,
        limit=query.limit,
        cursor=query.cursor,
    )
    return web.json_response({"items": items, "next_cursor": next_cursor})
