"""Show routes: admins create shows; anyone reads a show and searches offers."""

from __future__ import annotations

import uuid

from aiohttp import web

from boxoffice.commands.shows import add_show
from boxoffice.domain.shows import Category, CreateShow
from boxoffice.projections import queries

from . import keys
from .auth import authenticated, require_admin
from .booking_models import CreateShowIn, SearchQuery
from .problems import Problem
from .validation import parse_body, parse_query


async def create_show(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    require_admin(principal)
    body = await parse_body(request, CreateShowIn)
    show_id = uuid.uuid4().hex
    command = CreateShow(
        show_id=show_id,
        title=body.title,
        venue=body.venue,
        starts_at=body.starts_at,
        categories=tuple(Category(**c.model_dump()) for c in body.categories),
        per_user_limit=body.per_user_limit,
        created_by=principal.user_id,
    )
    created, position = await add_show(request.app[keys.EVENT_STORE], command)
    await request.app[keys.PROJECTIONS].wait_for(
        position, request.app[keys.SETTINGS].booking_wait_seconds
    )
    show = {
        "show_id": created.show_id,
        "title": created.title,
        "venue": created.venue,
        "starts_at": created.starts_at,
        "per_user_limit": created.per_user_limit,
        "categories": [{**c, "available": c["capacity"]} for c in created.categories],
    }
    return web.json_response(show, status=201, headers={"Location": f"/shows/{show_id}"})


async def get_show(request: web.Request) -> web.Response:
    show = await queries.get_show(request.app[keys.DATABASE], request.match_info["show_id"])
    if show is None:
        raise Problem(404, "Show not found", "No show has this id.")
    return web.json_response(show)


async def search_offers(request: web.Request) -> web.Response:
    query = parse_query(request, SearchQuery)
    items, next_cursor = await queries.search_offers(
        request.app[keys.DATABASE],
        show_id=query.show_id,
        q=query.q,
        starts_from=query.from_,
        starts_to=query.to,
        available_only=query.available_only,
        limit=query.limit,
        cursor=query.cursor,
    )
    return web.json_response({"items": items, "next_cursor": next_cursor})
