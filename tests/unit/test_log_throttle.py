from __future__ import annotations

import logging

from boxoffice.log_throttle import Throttle


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, None, None)


def test_a_repeated_message_passes_once_per_interval_then_counts_what_it_dropped() -> None:
    now = [0.0]
    throttle = Throttle(10.0, clock=lambda: now[0])
    passed = [throttle.filter(record(f"accept failed\nsocket fd={i}")) for i in range(5)]
    now[0] = 10.0
    later = record("accept failed\nsocket fd=99")
    assert passed == [True, False, False, False, False]
    assert throttle.filter(later) and later.suppressed == 4


def test_different_messages_are_throttled_apart() -> None:
    throttle = Throttle(10.0, clock=lambda: 0.0)
    assert throttle.filter(record("one")) and throttle.filter(record("two"))
