"""Expiring the orders whose hold ran out: every server process runs one.

Deadlines live in the log (``OrderPlaced.expires_at_ms``) and are found through
the orders read model, indexed by status and expiry, so a restart loses none:
the read model is this follower's checkpoint, and an order leaves it only when
its expiry (or payment, or cancellation) is in the log.  Each sweep queues an
``ExpireOrder`` for every due order with its show's inventory, which expires an
order at most once: several processes sweeping the same orders, or a sweep
repeated before the read model caught up, append one expiry per order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from boxoffice.followers import follow

from .orders import OrderService

log = logging.getLogger(__name__)

DueOrders = Callable[[int, int], Awaitable[list[dict[str, Any]]]]
"""(now_ms, limit) -> orders awaiting payment whose hold ran out: order_id and show_id."""
BATCH = 500


class HoldSweeper:
    def __init__(self, orders: OrderService, due: DueOrders, interval_seconds: float) -> None:
        self._orders = orders
        self._due = due
        self._interval = interval_seconds

    async def run(self) -> None:
        await follow(self._step, "hold sweeper", log)

    async def _step(self) -> None:
        await self.sweep()
        await asyncio.sleep(self._interval)

    async def sweep(self) -> int:
        """Expire what is due now; how many orders were due.  Waits for their decisions, so
        the next sweep does not queue them again while they are being appended."""
        due = await self._due(int(time.time() * 1000), BATCH)
        replies = [self._orders.expire(o["show_id"], o["order_id"]).reply for o in due]
        if replies:
            await asyncio.wait(replies)  # never cancels them: the queue owns its replies
        return len(due)
