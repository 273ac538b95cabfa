"""Cancelling a show: sales close at once, then a log follower cancels what the show still has.

``start_cancellation`` appends ``ShowCancellationStarted`` to the show's
inventory: from then on every booking and order of the show is refused
(``show_cancelled``).  ``ShowCancellations`` runs in every server process and
follows the log from a checkpoint in the store; for each cancellation started
it cancels the show's confirmed bookings and held or paid orders, ``batch`` at
a time, each batch one append with the inventory's expected version, and ends
with ``ShowCancelled``.  The checkpoint moves past a cancellation only once it
is complete, so a process that dies half-way leaves it to the next start (or
to another process): each batch is decided on the stream as it is, so nothing
is cancelled twice however many processes work on it.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.domain.events import ShowCancellationStarted
from boxoffice.domain.inventory import CANCELLED
from boxoffice.domain.show_changes import decide_cancellation_step, decide_show_cancel
from boxoffice.eventstore import EventStore
from boxoffice.followers import cancel_until_done, follow

from .inventory_writer import InventoryWriter
from .shows import UnknownShow

log = logging.getLogger(__name__)

Document = dict[str, Any]
CHECKPOINT_ID = "show-cancellations"
READ_BATCH = 1_000
IDLE_SECONDS = 0.25
CHECKPOINT_SECONDS = 1.0


async def start_cancellation(store: EventStore, show_id: str, cancelled_by: str) -> tuple[str, int]:
    """Close the show's sales for good; (its status now, the position written or 0)."""
    writer = InventoryWriter(store, show_id)
    if not (await writer.catch_up()).opened:
        raise UnknownShow(show_id)
    _, position = await writer.decide(lambda state: decide_show_cancel(state, cancelled_by))
    return writer.state.status, position


async def complete_cancellation(
    store: EventStore, show_id: str, *, batch: int, pause_seconds: float
) -> None:
    """Cancel what the show still has, ``batch`` per append, until it is cancelled."""
    writer = InventoryWriter(store, show_id)
    while True:
        events, _ = await writer.decide(lambda state: decide_cancellation_step(state, batch))
        if not events or writer.state.status == CANCELLED:
            log.info("show %s: cancellation complete", show_id)
            return
        await asyncio.sleep(pause_seconds)


class ShowCancellations:
    def __init__(
        self,
        store: EventStore,
        checkpoints: AsyncCollection[Document],
        *,
        batch: int,
        pause_seconds: float,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._store = store
        self._checkpoints = checkpoints
        self._batch = batch
        self._pause_seconds = pause_seconds
        self._idle_seconds = idle_seconds
        self._position: int | None = None
        self._saved_at = -math.inf
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="show-cancellations")
        self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        await cancel_until_done([self._task] if self._task is not None else [])

    async def run(self) -> None:
        await follow(self.step, "show cancellations", log, self._forget_position)

    def _forget_position(self) -> None:
        self._position = None

    async def step(self) -> None:
        """Complete every cancellation started after the checkpoint, then move it past them.

        The checkpoint is saved at once after a cancellation, else at most every
        CHECKPOINT_SECONDS: behind, it only makes a restart read again events it
        passes over, and find completed cancellations that need nothing more.
        """
        position = await self._checkpoint()
        events = [e async for e in self._store.read_all(position, limit=READ_BATCH)]
        if not events:
            await self._store.wait_for_events(position, self._idle_seconds)
            return
        started = [e for e in events if e.type == ShowCancellationStarted.__name__]
        for event in started:
            await complete_cancellation(
                self._store,
                event.data["show_id"],
                batch=self._batch,
                pause_seconds=self._pause_seconds,
            )
        self._position = events[-1].position
        now = asyncio.get_running_loop().time()
        if started or now - self._saved_at >= CHECKPOINT_SECONDS:
            await self._checkpoints.update_one(
                {"_id": CHECKPOINT_ID}, {"$max": {"position": self._position}}, upsert=True
            )
            self._saved_at = now

    async def _checkpoint(self) -> int:
        if self._position is None:
            doc = await self._checkpoints.find_one({"_id": CHECKPOINT_ID})
            self._position = int(doc["position"]) if doc else 0
        return self._position


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped", task.get_name(), exc_info=task.exception())
