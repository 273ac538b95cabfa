"""The live projector runner: one task per read model, each following the log from its checkpoint.

Each task reads a batch of events after its position, applies it with one bulk
write (version guards make a repeat harmless), then moves the checkpoint.  It
re-reads the generation pointer at most every ``POINTER_CHECK_SECONDS``; when a
rebuild has switched it, the task continues on the new generation from that
generation's checkpoint.  Store errors are retried with backoff; anything else
stops the task, and ``stopped_projections`` (hence ``/ready``) reports it.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import EventStore
from boxoffice.followers import cancel_until_done, follow, last_write

from .apply import apply_batch
from .checkpoints import load_checkpoint, save_checkpoint
from .generations import Generation, current_generation, ensure_generation
from .model import Document, ReadModel
from .read_models import READ_MODELS

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000
IDLE_SECONDS = 0.25
POINTER_CHECK_SECONDS = 1.0
CHECKPOINT_SECONDS = 1.0


@dataclass(frozen=True)
class ProjectionLag:
    name: str
    position: int
    events: int
    seconds: float


@dataclass
class _Follower:
    model: ReadModel
    generation: Generation | None = None
    pointer_checked_at: float = field(default=-math.inf)
    saved_position: int = 0
    saved_at: float = field(default=-math.inf)


class ProjectionRunner:
    def __init__(
        self,
        database: AsyncDatabase[Document],
        store: EventStore,
        models: Iterable[ReadModel] = READ_MODELS.values(),
        *,
        batch_size: int = BATCH_SIZE,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._database = database
        self._store = store
        self._models = list(models)
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._positions = {model.name: 0 for model in self._models}
        self._waiters: dict[str, list[tuple[int, int, asyncio.Future[None]]]] = {
            model.name: [] for model in self._models
        }
        self._waiter_numbers = itertools.count()
        self._compact_above = {model.name: 64 for model in self._models}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._followers: dict[str, _Follower] = {}

    def start(self) -> None:
        for model in self._models:
            task = asyncio.create_task(self._follow(model), name=f"projection-{model.name}")
            task.add_done_callback(_report_crash)
            self._tasks[model.name] = task

    async def stop(self) -> None:
        """Stop following, then record how far each read model got (best effort)."""
        await cancel_until_done(self._tasks.values())
        for name, follower in self._followers.items():
            if follower.generation is not None:
                save = self._save_checkpoint(
                    follower, follower.generation, self._positions[name], force=True
                )
                await last_write(save, f"projection {name}: the checkpoint", logger)

    def stopped_projections(self) -> list[str]:
        """Read models whose task has ended (crashed, or never started): they no longer follow."""
        return [
            m.name for m in self._models if m.name not in self._tasks or self._tasks[m.name].done()
        ]

    def position(self, name: str) -> int:
        return self._positions[name]

    async def wait_for(
        self,
        position: int,
        timeout: float,  # noqa: ASYNC109 - the booking service passes its remaining budget
        projections: Iterable[str] | None = None,
    ) -> bool:
        """True once every read model (or those named) has applied the log up to ``position``.

        False when ``timeout`` seconds pass first.  Waiting costs no store reads,
        and an applied batch wakes only the waiters it satisfies.
        """
        names = list(projections) if projections is not None else list(self._positions)
        try:
            async with asyncio.timeout(timeout):
                for name in names:
                    await self._reach(name, position)
        except TimeoutError:
            return all(self._positions[name] >= position for name in names)
        return True

    async def _reach(self, name: str, position: int) -> None:
        if self._positions[name] >= position:
            return
        waiters = self._waiters[name]
        if len(waiters) > self._compact_above[name]:
            # Waiters that timed out stay in the heap until their position is applied;
            # a read model that stops moving would otherwise collect them without end.
            waiters[:] = [waiter for waiter in waiters if not waiter[2].done()]
            heapq.heapify(waiters)
            self._compact_above[name] = 2 * len(waiters) + 64
        arrival: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(waiters, (position, next(self._waiter_numbers), arrival))
        await arrival

    async def lag(self) -> list[ProjectionLag]:
        """How far each read model is behind the head, in events and in age of the oldest unapplied."""
        head = await self._store.head_position()
        now = datetime.now(UTC)
        lags = []
        for name, position in self._positions.items():
            seconds = 0.0
            async for oldest in self._store.read_all(position, limit=1):
                seconds = max(0.0, (now - oldest.recorded_at).total_seconds())
            lags.append(ProjectionLag(name, position, max(0, head - position), seconds))
        return lags

    async def _follow(self, model: ReadModel) -> None:
        follower = self._followers[model.name] = _Follower(model)

        def check_pointer_again() -> None:
            follower.pointer_checked_at = -math.inf

        await follow(
            functools.partial(self._step, follower),
            f"projection {model.name}",
            logger,
            check_pointer_again,
        )

    async def _step(self, follower: _Follower) -> None:
        generation = await self._live_generation(follower)
        position = self._positions[follower.model.name]
        events = [e async for e in self._store.read_all(position, limit=self._batch_size)]
        if not events:
            await self._save_checkpoint(follower, generation, position)
            await self._store.wait_for_events(position, self._idle_seconds)
            return
        await apply_batch(self._database[generation.collection], follower.model, events)
        self._advance(follower.model.name, events[-1].position)
        await self._save_checkpoint(follower, generation, events[-1].position)

    async def _save_checkpoint(
        self, follower: _Follower, generation: Generation, position: int, force: bool = False
    ) -> None:
        """At most every CHECKPOINT_SECONDS (an idle runner still saves its last position),
        and on stop.

        A checkpoint that lags only means a restart re-applies a few batches,
        which the read models' version guards make harmless.
        """
        now = asyncio.get_running_loop().time()
        due = force or now - follower.saved_at >= CHECKPOINT_SECONDS
        if position > follower.saved_position and due:
            await save_checkpoint(self._database, generation.collection, position)
            follower.saved_position, follower.saved_at = position, now

    async def _live_generation(self, follower: _Follower) -> Generation:
        """The generation to write to, following a rebuild's pointer switch."""
        now = asyncio.get_running_loop().time()
        if follower.generation and now - follower.pointer_checked_at < POINTER_CHECK_SECONDS:
            return follower.generation
        if follower.generation is None:
            live = await ensure_generation(self._database, follower.model)
        else:
            live = await current_generation(self._database, follower.model.name)
        follower.pointer_checked_at = now
        if live != follower.generation:
            if follower.generation is not None:
                logger.info("projection %s: now on %s", live.name, live.collection)
            follower.generation = live
            follower.saved_position = await load_checkpoint(self._database, live.collection)
            self._advance(live.name, follower.saved_position)
        return live

    def _advance(self, name: str, position: int) -> None:
        """Move ``name`` to ``position`` and wake exactly the waiters that position satisfies."""
        self._positions[name] = position
        waiters = self._waiters[name]
        while waiters and waiters[0][0] <= position:
            _, _, arrival = heapq.heappop(waiters)
            if not arrival.done():
                arrival.set_result(None)


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s stopped", task.get_name(), exc_info=task.exception())
