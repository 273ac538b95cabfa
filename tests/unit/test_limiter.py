from __future__ import annotations

import pytest

from boxoffice.http.limiter import RateLimits


@pytest.mark.parametrize("exact", [False, True], ids=["sliding counter", "moving window"])
def test_a_burst_gets_exactly_the_limit(exact: bool) -> None:
    limits = RateLimits({"login": "5/minute"}, exact=exact)
    refusals = [limits.hit("login", "k") for _ in range(30)]
    assert sum(refusal is None for refusal in refusals) == 5


def test_keys_and_names_are_counted_apart() -> None:
    limits = RateLimits({"a": "1/minute", "b": "1/minute"})
    refusals = [limits.hit(name, key) for name, key in [("a", "x"), ("a", "y"), ("b", "x")]]
    assert refusals == [None, None, None]


def test_a_refusal_says_how_long_until_a_slot_frees() -> None:
    limits = RateLimits({"login": "2/hour"})
    limits.hit("login", "k")
    limits.hit("login", "k")
    refused = limits.hit("login", "k")
    assert refused is not None
    assert (refused.limit, refused.remaining) == (2, 0)
    # the sliding-window counter frees a slot within one window, not always a full one later
    assert 1 <= refused.reset_after <= 3600


def test_testing_a_limit_counts_nothing() -> None:
    limits = RateLimits({"login": "2/minute"})
    assert [limits.test("login", "k") for _ in range(5)] == [None] * 5
    assert limits.hit("login", "k") is None


@pytest.mark.parametrize("exact", [False, True], ids=["sliding counter", "moving window"])
def test_testing_a_cost_beyond_what_is_left_is_a_refusal(exact: bool) -> None:
    limits = RateLimits({"login": "2/minute"}, exact=exact)
    limits.hit("login", "k")
    assert limits.test("login", "k", cost=1) is None
    assert limits.test("login", "k", cost=2) is not None
