"""Webhook subscriptions, for admins: create (the secret is shown once), list, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from boxoffice.eventstore.hashing import timestamp
from boxoffice.webhooks.destinations import check_url
from boxoffice.webhooks.subscriptions import Document

from . import keys
from .auth import authenticated, require_admin
from .feed_models import WebhookIn
from .problems import Problem, invalid
from .validation import parse_body


async def create_webhook(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    require_admin(principal)
    body = await parse_body(request, WebhookIn)
    allow_private = request.app[keys.SETTINGS].webhook_allow_private
    try:
        url = check_url(body.url, allow_private=allow_private)
    except ValueError as exc:
        raise invalid([{"field": "url", "message": str(exc)}]) from None
    after = await request.app[keys.EVENT_STORE].head_position()
    created = await request.app[keys.WEBHOOKS].create(url, body.events, after, principal.user_id)
    return web.json_response(
        {"webhook_id": created["_id"], "secret": created["secret"]}, status=201
    )


async def list_webhooks(request: web.Request) -> web.Response:
    require_admin(await authenticated(request))
    listed = await request.app[keys.WEBHOOKS].listed()
    return web.json_response({"items": [_shown(d) for d in listed]})


async def delete_webhook(request: web.Request) -> web.Response:
    require_admin(await authenticated(request))
    if not await request.app[keys.WEBHOOKS].delete(request.match_info["webhook_id"]):
        raise Problem(404, "Webhook not found", "No webhook has this id.")
    return web.Response(status=204)


def _shown(document: Document) -> dict[str, Any]:
    """A subscription as admins see it: never its secret or lease."""
    retrying = document["attempts"] > 0 and document["status"] == "active"
    return {
        "webhook_id": document["_id"],
        "url": document["url"],
        "events": document["events"],
        "status": document["status"],
        "disabled_reason": document["disabled_reason"],
        "delivered_up_to": document["position"],
        "failed_attempts": document["attempts"],
        "next_attempt_at": _instant(document["next_attempt_ms"]) if retrying else None,
        "last_error": document["last_error"],
        "created_at": _instant(document["created_ms"]),
    }


def _instant(milliseconds: int) -> str:
    return timestamp(datetime.fromtimestamp(milliseconds / 1000, UTC))
