"""A request's way from the API to its decision, shared by bookings and orders.

The request is queued for its show's inventory while its record is written
(the two waits overlap; the queue decides it only if the record is the first
for its Idempotency-Key); then the caller waits a bounded time for the
decision and for the read models to show it, all within one budget.  Once
the record is in the store every outcome is true: the decision when it came
in time, otherwise "pending" with a status URL that any process answers from
the record and that a restarted or another process settles
(``RequestRecovery``).  When the store stops answering while the record is
being written, the outcome is also "pending": this process keeps writing it
until the store says what became of it, then decides it.  StoreUnavailable
escapes only for a request of which nothing was sent (a 503).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from boxoffice.domain.inventory import PENDING

from .booking_queue import BookingQueues, Decision, Ticket
from .booking_requests import BookingRequests, KeyInFlight, Request
from .decision_wait import WaitForProjection, visible_decision

FindDecided = Callable[[str], Awaitable[dict[str, Any] | None]]
"""The read model's document of a booking or order id, if it has one."""


@dataclass(frozen=True)
class Pending:
    """Not decided within the budget, or not yet known: the record makes it durable."""

    request: Request


@dataclass(frozen=True)
class Earlier:
    """A retry of a request decided before: the read model's document of that decision."""

    document: dict[str, Any]


Outcome = Decision | Pending | Earlier


class Submission:
    def __init__(
        self,
        queues: BookingQueues,
        requests: BookingRequests,
        wait_for_projection: WaitForProjection,
        wait_seconds: float,
    ) -> None:
        self.queues = queues
        self.requests = requests
        self._wait_for_projection = wait_for_projection
        self._wait_seconds = wait_seconds

    def deadline(self) -> float:
        return asyncio.get_running_loop().time() + self._wait_seconds

    async def submit(self, request: Request, find_decided: FindDecided) -> Outcome:
        """Record and decide ``request``; InventoryNotOpen escapes for a show with no seats."""
        deadline = self.deadline()
        ticket = self._queue(request, gated=True)
        recording = asyncio.ensure_future(self.requests.record(request))
        ticket.open_when(recording, lambda recorded: recorded.first)
        try:
            # StoreUnavailable only if nothing was written: a 503.
            recorded = await asyncio.wait_for(asyncio.shield(recording), self._wait_seconds)
        except TimeoutError:
            return Pending(request)  # the store stopped answering; the record is still retried
        if not recorded.first:
            earlier = await find_decided(recorded.request_id)
            if earlier is not None and earlier["status"] != PENDING:
                return Earlier(earlier)
            if recorded.lease_running:
                raise KeyInFlight()
            assert request.key is not None, "a request without a key is always first"
            await self.requests.renew(request.user_id, request.key)
            request = request.renamed(recorded.request_id)
            ticket = self._queue(request)
        decided = await self.decision(ticket, deadline)
        return Pending(request) if decided is None else decided

    async def decision(self, ticket: Ticket, deadline: float) -> Decision | None:
        return await visible_decision(ticket, deadline, self._wait_for_projection)

    def _queue(self, request: Request, *, gated: bool = False) -> Ticket:
        return self.queues.submit(request.show_id, request.command(), gated=gated)
