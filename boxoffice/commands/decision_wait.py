"""Waiting for a queued command's decision, and for the read models to show it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from boxoffice.eventstore import StoreUnavailable

from .booking_queue import Decision, Ticket

WaitForProjection = Callable[[int, float], Awaitable[bool]]
"""Waits until the read models have applied a log position (read-your-writes)."""


async def visible_decision(
    ticket: Ticket, deadline: float, wait_for_projection: WaitForProjection
) -> Decision | None:
    """The decision by ``deadline`` (loop time), visible to queries; None if it is not known
    by then (the queue goes on trying: the caller answers 202)."""
    loop = asyncio.get_running_loop()
    try:
        decided = await asyncio.wait_for(
            asyncio.shield(ticket.reply), max(0.0, deadline - loop.time())
        )
    except (TimeoutError, StoreUnavailable):
        return None
    await wait_for_projection(decided.position, max(0.05, deadline - loop.time()))
    return decided
