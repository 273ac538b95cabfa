"""Rendering a decided request (a booking or an order): 201, 202 pending, or a 409 problem."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .problems import Problem


def render_decision(
    status: int, body: dict[str, Any], *, what: str, refused_type: str
) -> web.Response:
    """The same decision always renders to the same response, so a retry replays it exactly.

    A refusal is a 409 problem carrying the body; anything else is the body, with
    ``Location`` at its status URL when it has one.
    """
    if status == 409:
        detail = f"The {what} was rejected: {body['reason']}."
        raise Problem(409, f"{what.capitalize()} rejected", detail, type=refused_type, **body)
    headers = {"Location": body["status_url"]} if "status_url" in body else None
    return web.json_response(body, status=status, headers=headers)
