"""A request id for every request: bound to its log lines and returned in ``X-Request-ID``."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

HEADER = "X-Request-ID"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

log = structlog.get_logger("boxoffice.access")


def request_id_of(request: web.Request) -> str:
    """The caller's id when it is safe to echo and log, else a fresh one."""
    offered = request.headers.get(HEADER, "")
    return offered if _ACCEPTABLE.fullmatch(offered) else uuid.uuid4().hex


@web.middleware
async def request_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request_id_of(request)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers[HEADER] = request_id
        return response
    except web.HTTPException as exc:
        status = exc.status
        exc.headers[HEADER] = request_id
        raise
    finally:
        log.info(
            "request",
            method=request.method,
            path=request.rel_url.path,
            status=status,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
