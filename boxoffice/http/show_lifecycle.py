"""Changing and cancelling a show (admin): parse, hand to the show commands, render the show."""

from __future__ import annotations

from aiohttp import web

from boxoffice.commands.show_cancellation import start_cancellation
from boxoffice.commands.show_changes import change_show
from boxoffice.domain.inventory import CANCELLED
from boxoffice.domain.show_changes import ChangeShow
from boxoffice.domain.shows import Category

from . import keys
from .auth import authenticated, require_admin
from .show_models import ChangeShowIn
from .shows import now_ms, read_show
from .validation import parse_body


async def change(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    require_admin(principal)
    body = await parse_body(request, ChangeShowIn)
    show_id = request.match_info["show_id"]
    command = ChangeShow(
        show_id,
        principal.user_id,
        body.details(),
        tuple(Category(**c.model_dump()) for c in body.add_categories),
        dict(body.capacities),
    )
    position = await change_show(request.app[keys.EVENT_STORE], command, now_ms())
    await _visible(request, position)
    return web.json_response(await read_show(request, show_id))


async def cancel(request: web.Request) -> web.Response:
    """202 while the show's bookings and orders are being cancelled, 200 once they all are."""
    principal = await authenticated(request)
    require_admin(principal)
    show_id = request.match_info["show_id"]
    status, position = await start_cancellation(
        request.app[keys.EVENT_STORE], show_id, principal.user_id
    )
    await _visible(request, position)
    status_url = f"/shows/{show_id}"
    body = {"show_id": show_id, "status": status, "status_url": status_url}
    headers = {"Location": status_url}
    return web.json_response(body, status=200 if status == CANCELLED else 202, headers=headers)


async def _visible(request: web.Request, position: int) -> None:
    if position:
        await request.app[keys.PROJECTIONS].wait_for(
            position, request.app[keys.SETTINGS].booking_wait_seconds
        )
