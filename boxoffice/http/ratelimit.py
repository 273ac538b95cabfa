"""Rate limits for handlers: ``enforce(request, name, key)`` or a 429 problem.

Names are the app's configured limits: ``login`` (every attempt, per client
address), ``register`` (per address) and ``booking`` (per user); failed logins
have limits of their own (login_failures.py).
"""

from __future__ import annotations

from aiohttp import web

from boxoffice.settings import Settings

from . import keys
from .limiter import RateLimits, Refusal
from .problems import Problem


def rate_limits(settings: Settings) -> RateLimits:
    return RateLimits(
        {
            "login": settings.login_rate,
            "register": settings.register_rate,
            "booking": settings.booking_rate,
        }
    )


def client_address(request: web.Request) -> str:
    return request.app[keys.TRUSTED_PROXIES].client_address(request)


def too_many(what: str, refusal: Refusal) -> Problem:
    """429 saying when to retry, with the RateLimit-* headers of the limit that refused."""
    return Problem(
        429,
        "Too Many Requests",
        f"Too many {what}; retry in {refusal.reset_after} s.",
        headers={
            "Retry-After": str(refusal.reset_after),
            "RateLimit-Limit": str(refusal.limit),
            "RateLimit-Remaining": str(refusal.remaining),
            "RateLimit-Reset": str(refusal.reset_after),
        },
    )


def enforce(request: web.Request, name: str, key: str) -> None:
    """Count this request against limit ``name`` for ``key``; 429 with Retry-After if over."""
    refusal = request.app[keys.RATE_LIMITS].hit(name, key)
    if refusal is not None:
        raise too_many(f"{name} requests", refusal)
