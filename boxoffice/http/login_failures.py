"""Failed logins, counted per account at one client address and per address.

Only failures count: a crowd behind one address (a carrier NAT, a venue's
Wi-Fi) logs in as often as the address's ceiling on all attempts allows, while
wrong passwords for one account from one address are refused once they reach
their limit. Keyed on the account and the address together, a guesser cannot
lock the account's owner out from elsewhere; the window moves, so the guesser
is slowed to the rate (a slot frees as the oldest failure ages), never locked.
The windows are exact (limiter.py): no more failures pass in any window's length.

The limits are checked before the password is verified and a failure counted
after, across the await of bcrypt; so that a concurrent burst cannot all pass
the check first, an attempt being verified counts as a failure until decided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from .limiter import RateLimits
from .ratelimit import too_many

PER_ACCOUNT = "failures per account at an address"
PER_ADDRESS = "failures per address"


class Attempt:
    def __init__(self, limits: RateLimits, counters: tuple[tuple[str, str], ...]) -> None:
        self._limits = limits
        self._counters = counters

    def failed(self) -> None:
        for name, key in self._counters:
            self._limits.hit(name, key)


class LoginFailures:
    def __init__(self, per_account: str, per_address: str) -> None:
        """Rates such as ``"10/minute"``: per account at one address, and per address."""
        self._limits = RateLimits({PER_ACCOUNT: per_account, PER_ADDRESS: per_address}, exact=True)
        self._deciding: Counter[tuple[str, str]] = Counter()

    @contextmanager
    def attempt(self, account: str, address: str) -> Iterator[Attempt]:
        """A login attempt to decide inside the block; 429 if its failures are used up."""
        counters = ((PER_ACCOUNT, f"{account} at {address}"), (PER_ADDRESS, address))
        self._deciding.update(counters)
        try:
            for name, key in counters:
                refusal = self._limits.test(name, key, cost=self._deciding[(name, key)])
                if refusal is not None:
                    raise too_many("failed logins", refusal)
            yield Attempt(self._limits, counters)
        finally:
            self._deciding.subtract(counters)
            for counter in counters:
                if not self._deciding[counter]:
                    del self._deciding[counter]
