"""The ticket issuer: a log follower that issues and revokes tickets as bookings and orders say.

Every server process runs one, and one at a time holds the lease on the
shared checkpoint document (``followers``, ``ticket-issuer``): each step
claims or renews it, and only its holder reads the log after the checkpoint,
settles each event that owes tickets (``sources.owed``) through ``ledger`` and
moves the checkpoint.  A process that stops releases the lease; one that dies
loses it after ``lease_seconds``, and another takes over from the checkpoint.
Settling again is harmless (issuing appends with NO_STREAM, revoking under the
ticket's version), so a crash, or two holders after a lease expired in the
middle of a batch, changes nothing: the lease only keeps processes from racing
for the same new streams, whose losing appends leave log positions that every
reader waits on until they are sealed.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from boxoffice.domain.tickets import ORDER
from boxoffice.eventstore import EventStore, RecordedEvent
from boxoffice.followers import cancel_until_done, follow, last_write

from . import ledger, sources
from .ledger import NewSecret

logger = logging.getLogger(__name__)

Document = dict[str, Any]
CHECKPOINT_ID = "ticket-issuer"
BATCH_SIZE = 500
IDLE_SECONDS = 0.25
LEASE_SECONDS = 30.0


def _now_ms() -> int:
    return int(time.time() * 1000)


class TicketIssuer:
    def __init__(
        self,
        store: EventStore,
        checkpoints: AsyncCollection[Document],
        *,
        new_secret: NewSecret = ledger.new_secret,
        batch_size: int = BATCH_SIZE,
        idle_seconds: float = IDLE_SECONDS,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self._store = store
        self._checkpoints = checkpoints
        self._new_secret = new_secret
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._lease_ms = int(lease_seconds * 1000)
        self._holder = uuid.uuid4().hex
        self.position = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="ticket-issuer")
        self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        """Stop following and release the lease, so another process takes over at once."""
        if self._task is not None:
            await cancel_until_done([self._task])
        release = self._checkpoints.update_one(
            {"_id": CHECKPOINT_ID, "holder": self._holder}, {"$set": {"lease_until_ms": 0}}
        )
        await last_write(release, "ticket issuer: releasing the lease", logger)

    async def run(self) -> None:
        await follow(self.step, "ticket issuer", logger)

    async def step(self) -> None:
        """Settle one batch after the checkpoint, or wait: for the log to grow, or for the lease."""
        checkpoint = await self._claim()
        if checkpoint is None:
            await asyncio.sleep(self._idle_seconds)
            return
        self.position = max(self.position, checkpoint)
        events = [e async for e in self._store.read_all(self.position, limit=self._batch_size)]
        if not events:
            await self._store.wait_for_events(self.position, self._idle_seconds)
            return
        for event in events:
            await self.settle(event)
            self.position = event.position
        await self._checkpoints.update_one(
            {"_id": CHECKPOINT_ID}, {"$max": {"position": self.position}}
        )

    async def checkpoint(self) -> int:
        doc = await self._checkpoints.find_one({"_id": CHECKPOINT_ID})
        return int(doc["position"]) if doc else 0

    async def _claim(self) -> int | None:
        """The checkpoint, with the lease claimed or renewed; None while another process holds it."""
        now = _now_ms()
        lease = {"holder": self._holder, "lease_until_ms": now + self._lease_ms}
        doc = await self._checkpoints.find_one_and_update(
            {
                "_id": CHECKPOINT_ID,
                "$or": [{"holder": self._holder}, {"lease_until_ms": {"$lte": now}}],
            },
            {"$set": lease},
            return_document=ReturnDocument.AFTER,
        )
        if doc is not None:
            return int(doc["position"])
        try:
            await self._checkpoints.insert_one({"_id": CHECKPOINT_ID, "position": 0, **lease})
        except DuplicateKeyError:
            return None  # held by another process
        return 0

    async def settle(self, event: RecordedEvent) -> None:
        try:
            owed = sources.owed(event.type, event.data)
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning(
                "ticket issuer: %s at position %d lacks %s; skipped",
                event.type,
                event.position,
                exc,
            )
            return
        if owed is None:
            return
        await ledger.issue(self._store, owed.issue, self._new_secret)
        if owed.revoke_reason is None:
            return
        for seat in owed.revoke:
            await ledger.revoke(self._store, seat.ticket_id, owed.revoke_reason)
        if owed.revoke_order_id is not None:
            await ledger.revoke_issued(self._store, ORDER, owed.revoke_order_id, owed.revoke_reason)


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s stopped", task.get_name(), exc_info=task.exception())
