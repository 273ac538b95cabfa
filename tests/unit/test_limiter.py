from __future__ import annotations

import asyncio

from boxoffice.http.limiter import RateLimits


async def test_a_concurrent_burst_gets_exactly_the_limit() -> None:
    limits = RateLimits({"login": "5/minute"})
    verdicts = await asyncio.gather(*(limits.hit("login", "k") for _ in range(30)))
    assert sum(v.allowed for v in verdicts) == 5


async def test_keys_and_names_are_counted_apart() -> None:
    limits = RateLimits({"a": "1/minute", "b": "1/minute"})
    verdicts = [await limits.hit(name, key) for name, key in [("a", "x"), ("a", "y"), ("b", "x")]]
    assert all(v.allowed for v in verdicts)


async def test_a_refusal_says_how_long_until_a_slot_frees() -> None:
    limits = RateLimits({"login": "2/hour"})
    await limits.hit("login", "k")
    await limits.hit("login", "k")
    refused = await limits.hit("login", "k")
    assert (refused.allowed, refused.limit, refused.remaining) == (False, 2, 0)
    # the sliding-window counter frees a slot within one window, not always a full one later
    assert 1 <= refused.reset_after <= 3600
