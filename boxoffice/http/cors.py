"""Browsers on the origins in BOXOFFICE_CORS_ORIGINS may call the API (aiohttp-middlewares' CORS).

A preflight from one of them is answered with the methods and request headers
the API takes; its responses expose the headers a client acts on. Any other
origin gets no ``Access-Control-*`` header, so the browser keeps the answer from it.
"""

from __future__ import annotations

from collections.abc import Collection

from aiohttp.typedefs import Middleware
from aiohttp_middlewares.cors import cors_middleware

from .request_log import HEADER as REQUEST_ID

ALLOW_METHODS = ("GET", "POST", "PATCH", "DELETE")
ALLOW_HEADERS = ("authorization", "content-type", "idempotency-key", REQUEST_ID.lower())
EXPOSE_HEADERS = (
    "Location",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    REQUEST_ID,
)
PREFLIGHT_MAX_AGE_SECONDS = 600


def cross_origin(origins: Collection[str]) -> Middleware:
    return cors_middleware(
        origins=origins,
        allow_methods=ALLOW_METHODS,
        allow_headers=ALLOW_HEADERS,
        expose_headers=EXPOSE_HEADERS,
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
