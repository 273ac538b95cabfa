"""Sliding-window rate limits, per process, on the ``limits`` package.

Why not aiohttp-ratelimiter's ``@limiter.limit(...)`` decorator (4.1.3): it
calls ``test()`` and then, after an await, ``hit()``, so a concurrent burst all
passes the test before any hit is recorded; it is applied at import time, so
its rates and storage cannot come from the app's settings or live per app; it
keys only on the request (login needs the account from the body too); and its
429 is neither problem+json nor carries ``Retry-After``.

``limits``' sliding-window counter increments first and then checks, taking the
hit back when it went over; here nothing awaits between the two, so a burst
cannot overshoot (it may refuse a hit early at a window's edge, never admit one
too many).  It keeps two counters per key, and at a window's edge weighs the
previous window as if its hits were spread evenly, so a few more hits than the
limit may pass within one window's length.  ``exact`` limits use a moving
window instead: a timestamp per hit, exact, for small limits that guard
passwords.  The in-memory storage is the
synchronous one: the asyncio variant schedules an expiry task on every hit,
which cost several percent of the server's CPU under an on-sale, and memory
needs no I/O to await.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import (
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)


@dataclass(frozen=True)
class Refusal:
    limit: int
    remaining: int
    reset_after: int
    """Seconds until the oldest hit in the window expires and frees a slot."""


class RateLimits:
    def __init__(self, rates: Mapping[str, str], *, exact: bool = False) -> None:
        """``rates`` maps a limit's name to a rate such as ``"10/minute"``."""
        self._items: dict[str, RateLimitItem] = {name: parse(rate) for name, rate in rates.items()}
        strategy = MovingWindowRateLimiter if exact else SlidingWindowCounterRateLimiter
        self._window: RateLimiter = strategy(MemoryStorage())

    def hit(self, name: str, key: str) -> Refusal | None:
        """Count one request of ``key`` against limit ``name``; a Refusal if that would exceed it."""
        item = self._items[name]
        return None if self._window.hit(item, name, key) else self._refusal(item, name, key)

    def test(self, name: str, key: str, cost: int = 1) -> Refusal | None:
        """A Refusal if ``cost`` more hits of ``key`` would exceed limit ``name``; counts nothing."""
        item = self._items[name]
        return (
            None
            if self._window.test(item, name, key, cost=cost)
            else self._refusal(item, name, key)
        )

    def _refusal(self, item: RateLimitItem, name: str, key: str) -> Refusal:
        stats = self._window.get_window_stats(item, name, key)
        reset_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Refusal(item.amount, max(0, stats.remaining), reset_after)
