"""The ticket issuer: a log follower that issues and revokes tickets as bookings and orders say.

Every server process runs one.  It reads the log after its position, settles
each event that owes tickets (``sources.owed``) through ``ledger``, whose
appends are idempotent (NO_STREAM for an issue, the ticket's version for a
revocation), and then moves the shared checkpoint forward with ``$max``.
Before each batch it takes the checkpoint if another process got further: a
checkpoint is only saved once every event below it is settled.  A crash
settles again at most the batch in flight, which changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.domain.tickets import ORDER
from boxoffice.eventstore import EventStore, RecordedEvent
from boxoffice.followers import cancel_until_done, follow

from . import ledger, sources
from .ledger import NewSecret

logger = logging.getLogger(__name__)

Document = dict[str, Any]
CHECKPOINT_ID = "ticket-issuer"
BATCH_SIZE = 500
IDLE_SECONDS = 0.25


class TicketIssuer:
    def __init__(
        self,
        store: EventStore,
        checkpoints: AsyncCollection[Document],
        *,
        new_secret: NewSecret = ledger.new_secret,
        batch_size: int = BATCH_SIZE,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._store = store
        self._checkpoints = checkpoints
        self._new_secret = new_secret
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self.position = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="ticket-issuer")
        self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_until_done([self._task])

    async def run(self) -> None:
        await follow(self.step, "ticket issuer", logger)

    async def step(self) -> None:
        """Settle one batch after the position, or wait for the log to grow."""
        self.position = max(self.position, await self.checkpoint())
        events = [e async for e in self._store.read_all(self.position, limit=self._batch_size)]
        if not events:
            await self._store.wait_for_events(self.position, self._idle_seconds)
            return
        for event in events:
            await self.settle(event)
            self.position = event.position
        await self._checkpoints.update_one(
            {"_id": CHECKPOINT_ID}, {"$max": {"position": self.position}}, upsert=True
        )

    async def checkpoint(self) -> int:
        doc = await self._checkpoints.find_one({"_id": CHECKPOINT_ID})
        return int(doc["position"]) if doc else 0

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
