"""Show routes: admins create shows; anyone lists shows, reads one and searches offers."""

from __future__ import annotations

import time
import uuid

from aiohttp import web

from boxoffice.commands.show_changes import InvalidSchedule
from boxoffice.commands.shows import add_show
from boxoffice.domain.shows import Category, CreateShow, Schedule
from boxoffice.projections import queries, show_queries
from boxoffice.projections.instants import epoch_us

from . import keys
from .auth import authenticated, require_admin
from .booking_models import CreateShowIn, SearchQuery
from .problems import Problem
from .show_models import ShowListQuery
from .validation import parse_body, parse_query


def now_ms() -> int:
    """The request's time, in epoch milliseconds, for decisions that take it."""
    return int(time.time() * 1000)


async def create_show(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    require_admin(principal)
    body = await parse_body(request, CreateShowIn)
    settings = request.app[keys.SETTINGS]
    show_id = uuid.uuid4().hex
    command = CreateShow(
        show_id=show_id,
        title=body.title,
        venue=body.venue,
        starts_at=body.starts_at,
        categories=tuple(Category(**c.model_dump()) for c in body.categories),
        per_user_limit=body.per_user_limit,
        created_by=principal.user_id,
        sales_start=body.sales_start,
        sales_end=body.sales_end,
        hold_seconds=body.hold_seconds or settings.hold_seconds,
    )
    problems = Schedule(body.starts_at, body.sales_start, body.sales_end).problems(now_ms())
    if problems:
        raise InvalidSchedule(problems)
    _, position = await add_show(request.app[keys.EVENT_STORE], command)
    await request.app[keys.PROJECTIONS].wait_for(position, settings.booking_wait_seconds)
    show = await read_show(request, show_id)
    return web.json_response(show, status=201, headers={"Location": f"/shows/{show_id}"})


async def read_show(request: web.Request, show_id: str) -> dict[str, object]:
    show = await queries.get_show(
        request.app[keys.DATABASE], show_id, request.app[keys.SETTINGS].hold_seconds
    )
    if show is None:
        raise Problem(404, "Show not found", "No show has this id.")
    return show


async def get_show(request: web.Request) -> web.Response:
    return web.json_response(await read_show(request, request.match_info["show_id"]))


async def list_shows(request: web.Request) -> web.Response:
    query = parse_query(request, ShowListQuery)
    items, next_cursor = await show_queries.list_shows(
        request.app[keys.DATABASE],
        now_us=now_ms() * 1000,
        default_hold_seconds=request.app[keys.SETTINGS].hold_seconds,
        q=query.q,
        starts_from_us=None if query.from_ is None else epoch_us(query.from_),
        starts_to_us=None if query.to is None else epoch_us(query.to),
        on_sale=query.on_sale,
        include_past=query.include_past,
        limit=query.limit,
        cursor=query.cursor,
    )
    return web.json_response({"items": items, "next_cursor": next_cursor})


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
