"""The Idempotency-Key header of booking and order requests, and what its refusals answer."""

from __future__ import annotations

import re

from aiohttp import web

from .problems import Problem

MAX_IDEMPOTENCY_KEY = 200
# Visible ASCII, as Stripe-style keys (UUIDs, order numbers) are; the OpenAPI document says the same.
IDEMPOTENCY_KEY_PATTERN = f"^[!-~]{{1,{MAX_IDEMPOTENCY_KEY}}}$"


def idempotency_key(request: web.Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        raise Problem(
            422,
            "Invalid Idempotency-Key",
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters.",
        )
    return key
