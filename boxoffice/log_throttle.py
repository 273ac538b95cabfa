"""A logging filter that lets one of a run of identical messages through per interval.

Past the open-files limit asyncio logs "socket.accept() out of system resource",
with a traceback, for every failed accept: hundreds of thousands of lines a
minute, which cost the event loop more than the refused connections do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

MAX_KEYS = 256


class Throttle(logging.Filter):
    """Passes a message (its first line) at most once per ``interval`` seconds.

    The next one let through carries ``suppressed``: how many were dropped since.
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self._dropped: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = str(record.msg).partition("\n")[0]
        now = self._clock()
        if now - self._last.get(key, -self._interval) < self._interval:
            self._dropped[key] = self._dropped.get(key, 0) + 1
            return False
        if len(self._last) >= MAX_KEYS:
            self._forget_before(now - self._interval)
        self._last[key] = now
        if dropped := self._dropped.pop(key, 0):
            record.suppressed = dropped
        return True

    def _forget_before(self, moment: float) -> None:
        self._last = {key: seen for key, seen in self._last.items() if seen >= moment}
