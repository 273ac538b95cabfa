"""Deciding the booking requests whose process never did: the booking inbox's follower.

A booking request is recorded before it is queued, and its process decides it
within seconds, or keeps trying while the store is out.  A process that dies
takes its queue with it.  This follower runs in every server process: it reads
the records that arrived more than ``stale_seconds`` ago, after its
checkpoint, asks the bookings read model which of them it knows, and queues the
others again under their own booking ids.  The inventory decides a booking id
at most once, so several processes recovering one request are harmless.  The
checkpoint (the arrival time below which every request is decided) lives in the
store, moved only forward with ``$max``, so a restart resumes where any process
got to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from boxoffice.eventstore import StoreUnavailable
from boxoffice.followers import stop_if_cancelled

from .booking_queue import BookingQueues, InventoryNotOpen
from .booking_requests import BookingRequests, request_of

log = logging.getLogger(__name__)

Document = dict[str, Any]
KnownRequests = Callable[[list[str]], Awaitable[set[str]]]
CHECKPOINT_ID = "booking-requests"
BATCH = 500


class RequestRecovery:
    def __init__(
        self,
        requests: BookingRequests,
        queues: BookingQueues,
        known: KnownRequests,
        checkpoints: AsyncCollection[Document],
        *,
        stale_seconds: float,
        interval_seconds: float,
    ) -> None:
        self._requests = requests
        self._queues = queues
        self._known = known
        self._checkpoints = checkpoints
        self._stale_ms = int(stale_seconds * 1000)
        self._interval = interval_seconds
        self._unbookable: set[str] = set()

    async def run(self) -> None:
        """Sweep every ``interval_seconds`` until cancelled; store errors wait for the next sweep."""
        while True:
            stop_if_cancelled()
            try:
                await self.sweep()
            except (PyMongoError, StoreUnavailable):
                stop_if_cancelled()
            await asyncio.sleep(self._interval)

    async def sweep(self) -> int:
        """Queue again every stale undecided request after the checkpoint; how many were."""
        since = await self._checkpoint()
        until = int(datetime.now(UTC).timestamp() * 1000) - self._stale_ms
        records = await self._requests.received_between(since, until, BATCH)
        known = await self._known([r["request_id"] for r in records]) if records else set()
        undecided = [r for r in records if r["request_id"] not in known | self._unbookable]
        for record in undecided:
            self._resubmit(record)
        if undecided:
            reached = min(int(r["received_ms"]) for r in undecided)
        elif len(records) == BATCH:
            reached = int(records[-1]["received_ms"])
        else:
            reached = until
        await self._checkpoints.update_one(
            {"_id": CHECKPOINT_ID}, {"$max": {"since_ms": reached}}, upsert=True
        )
        return len(undecided)

    async def _checkpoint(self) -> int:
        doc = await self._checkpoints.find_one({"_id": CHECKPOINT_ID})
        return int(doc["since_ms"]) if doc else 0

    def _resubmit(self, record: Document) -> None:
        request = request_of(record)
        log.info("recovering booking request %s", request.request_id)
        ticket = self._queues.submit(request.show_id, request.command())
        ticket.reply.add_done_callback(lambda done: self._settled(request.request_id, done))

    def _settled(self, request_id: str, done: asyncio.Future[Any]) -> None:
        """Nobody awaits a recovered request: its outcome is in the log, or it can never be."""
        if done.cancelled():
            return
        if isinstance(done.exception(), InventoryNotOpen):
            self._unbookable.add(request_id)
