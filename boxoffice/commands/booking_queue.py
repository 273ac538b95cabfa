"""The per-inventory booking queue: decide in arrival order, one atomic append per batch.

One worker per inventory stream per process drains its queue: it takes every
command waiting (up to ``batch_max``), decides them in order against the
in-memory inventory, and appends all resulting events in ONE commit with the
expected version (group commit).  Nothing is answered before that append is
durable.  When another process wrote first (``WrongExpectedVersion``) the
worker reads the stream's tail and decides the same batch again.  When the
store does not answer, the batch is kept and tried again, first under the same
commit id (appends are idempotent), then decided afresh once the store is back:
a booking request is recorded before it is queued, so its caller has answered
202 and any process can show it as pending.  Nothing is dropped but at shutdown,
and then the request's record lets another process decide it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from boxoffice.domain.decisions import Command, decide_each
from boxoffice.domain.events import Event, from_stored
from boxoffice.domain.inventory import CancelBooking, Inventory, Order, RequestBooking, fold
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import (
    EventStore,
    NewEvent,
    StoreUnavailable,
    WrongExpectedVersion,
)
from boxoffice.eventstore.model import new_id
from boxoffice.followers import cancel_until_done

log = logging.getLogger(__name__)
T = TypeVar("T")

IDLE_SECONDS = 60.0
DETACHED_RETRY_SECONDS = 1.0
STORE_RETRY_SECONDS = 4.0
STORE_RETRY_DELAY = 0.2
MAX_REDECIDE = 100


class InventoryNotOpen(Exception):
    """The inventory stream does not exist: unknown show or category."""


@dataclass(frozen=True)
class Decided:
    """What became of one command, and where in the log it became durable."""

    booking_id: str
    status: str
    reason: str | None
    quantity: int
    position: int


@dataclass(frozen=True)
class OrderDecided:
    """An order as the command left it, and where in the log that became durable."""

    order: Order
    position: int


Decision = Decided | OrderDecided


@dataclass(eq=False)
class Ticket:
    """One queued command and the future its caller may await."""

    command: Command
    reply: asyncio.Future[Decision]
    gate: asyncio.Future[bool] | None = None
    """When set, the command is decided only if the gate opens (True); otherwise it is
    withdrawn and its reply cancelled.  It lets a caller queue a command while a
    precondition (its request's record) is still being written."""

    def open_when(self, task: asyncio.Future[T], opens: Callable[[T], bool]) -> None:
        """Open the gate when ``task`` succeeds with a result ``opens`` accepts; else close it.

        The gate always resolves, even if the task fails or is cancelled, so the
        worker waiting on it never waits forever.
        """
        gate = self.gate
        assert gate is not None, "the ticket was queued without a gate"

        def resolve(done: asyncio.Future[T]) -> None:
            if not gate.done():
                gate.set_result(
                    not done.cancelled() and done.exception() is None and opens(done.result())
                )

        task.add_done_callback(resolve)


class InventoryWorker:
    """Owns one inventory stream's queue and its in-memory state in this process."""

    def __init__(self, store: EventStore, stream: str, batch_max: int) -> None:
        self.stream = stream
        self.batch_max = batch_max
        self.queue: asyncio.Queue[Ticket | None] = asyncio.Queue()
        self.state = Inventory()
        self._store = store
        self._retry: list[Ticket] = []

    async def run(self) -> None:
        """Serve batches until idle for IDLE_SECONDS or until a ``None`` (stop) is queued.

        Commands a store outage kept from landing go first, after a pause,
        before anything newer: they arrived earlier.
        """
        stopping = False
        while not stopping:
            if self._retry:
                await asyncio.sleep(DETACHED_RETRY_SECONDS)
                batch, self._retry = self._retry[: self.batch_max], self._retry[self.batch_max :]
            else:
                try:
                    first = await asyncio.wait_for(self.queue.get(), IDLE_SECONDS)
                except TimeoutError:
                    if self.queue.empty():
                        return
                    continue
                if first is None:
                    break
                batch = [first]
            while len(batch) < self.batch_max and not self.queue.empty():
                item = self.queue.get_nowait()
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            await self._settle(batch)
        for ticket in self._retry:
            ticket.reply.set_exception(StoreUnavailable("shut down before the store came back"))

    async def _settle(self, batch: list[Ticket]) -> None:
        batch = await _admitted(batch)
        if not batch:
            return
        failure: Exception = StoreUnavailable("interrupted before the decision was durable")
        try:
            await self._decide_and_append(batch)
        except Exception as error:  # the worker must outlive any one batch
            if not isinstance(error, StoreUnavailable | InventoryNotOpen):
                log.exception("booking batch on %s failed", self.stream)
            failure = error
        finally:
            for ticket in batch:
                if ticket.reply.done():
                    continue
                if isinstance(failure, StoreUnavailable):
                    self._retry.append(ticket)
                else:
                    ticket.reply.set_exception(failure)

    async def _catch_up(self) -> None:
        tail = await self._store.read_stream(self.stream, from_version=self.state.version + 1)
        fold((from_stored(e.type, e.data) for e in tail), self.state)

    async def _decide_and_append(self, batch: list[Ticket]) -> None:
        """Decide on the state as this worker knows it; read the tail only when that proves stale.

        Usually this process is the only writer of the stream, so the state is
        current and the append's version check is the only round trip.  A fresh
        worker knows nothing yet, so it loads the stream before its first decision.
        """
        for _ in range(MAX_REDECIDE):
            if not self.state.opened:
                await self._catch_up()
                if not self.state.opened:
                    raise InventoryNotOpen(self.stream)
            now_ms = int(time.time() * 1000)
            outcome = decide_each(self.state, [p.command for p in batch], now_ms)
            position = await self._store.head_position() if not outcome.events else 0
            if outcome.events:
                try:
                    position = await self._append(outcome.events)
                except WrongExpectedVersion:
                    await self._catch_up()
                    continue
            self.state = outcome.state
            for pending, refusal in zip(batch, outcome.refusals, strict=True):
                if pending.reply.done():
                    continue  # its caller stopped waiting; the decision stands in the log
                if refusal is not None:
                    pending.reply.set_exception(refusal)
                else:
                    pending.reply.set_result(self._decided(pending.command, position))
            return
        raise StoreUnavailable(f"{self.stream}: too much contention, gave up deciding")

    async def _append(self, events: list[Event]) -> int:
        """One commit, retried with the same commit id for at most STORE_RETRY_SECONDS.

        A time bound, not a count of attempts: against a frozen store one
        attempt lasts until the driver notices (a heartbeat plus its timeout).
        After it the batch waits in the retry list and is decided afresh.
        """
        stored = [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]
        commit_id = new_id()
        loop = asyncio.get_running_loop()
        give_up = loop.time() + STORE_RETRY_SECONDS
        for attempt in itertools.count(1):
            try:
                result = await self._store.append(
                    self.stream, stored, self.state.version, commit_id=commit_id
                )
                return result.last_position
            except StoreUnavailable:
                if loop.time() + STORE_RETRY_DELAY * attempt >= give_up:
                    self.state = Inventory()  # unknown whether it landed: reload before deciding
                    raise
                await asyncio.sleep(STORE_RETRY_DELAY * attempt)
        raise AssertionError("unreachable")

    def _decided(self, command: Command, position: int) -> Decision:
        if isinstance(command, RequestBooking | CancelBooking):
            booking = self.state.bookings[command.booking_id]
            return Decided(
                booking.booking_id, booking.status, booking.reason, booking.quantity, position
            )
        return OrderDecided(self.state.orders[command.order_id], position)


class BookingQueues:
    """Routes each command to the worker of its inventory, starting workers on demand."""

    def __init__(self, store: EventStore, batch_max: int) -> None:
        self._store = store
        self._batch_max = batch_max
        self._workers: dict[str, tuple[InventoryWorker, asyncio.Task[None]]] = {}
        self._closing = False

    def submit(
        self,
        show_id: str,
        command: Command,
        *,
        gated: bool = False,
    ) -> Ticket:
        """Queue a command; its reply resolves once its outcome is durable (or refused).

        A ``gated`` command keeps its place in the queue but is decided only once
        its gate opens; see ``Ticket.gate`` and ``Ticket.open_when``.
        """
        if self._closing:
            raise StoreUnavailable("shutting down")
        stream = inventory_stream(show_id)
        worker = self._worker(stream)
        loop = asyncio.get_running_loop()
        ticket = Ticket(command, loop.create_future(), loop.create_future() if gated else None)
        worker.queue.put_nowait(ticket)
        return ticket

    def _worker(self, stream: str) -> InventoryWorker:
        entry = self._workers.get(stream)
        if entry is not None and not entry[1].done():
            return entry[0]
        worker = InventoryWorker(self._store, stream, self._batch_max)
        task = asyncio.create_task(worker.run(), name=f"booking-worker:{stream}")
        task.add_done_callback(lambda _: self._forget(stream, task))
        self._workers[stream] = (worker, task)
        return worker

    def _forget(self, stream: str, task: asyncio.Task[None]) -> None:
        entry = self._workers.get(stream)
        if entry is not None and entry[1] is task:
            del self._workers[stream]

    async def close(self, grace: float = 5.0) -> None:
        """Stop taking commands; finish what is queued within ``grace`` seconds, then stop.

        A batch cut off by the grace period fails its callers without
        acknowledging anything; whether its single append landed or not, the
        log holds either the whole batch or none of it.
        """
        self._closing = True
        workers = list(self._workers.values())
        for worker, _ in workers:
            worker.queue.put_nowait(None)
        tasks = [task for _, task in workers]
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace)
        await cancel_until_done(late)
        for worker, _ in workers:
            _fail_queued(worker, StoreUnavailable("shutting down"))


async def _admitted(batch: list[Ticket]) -> list[Ticket]:
    """The tickets whose gate opens, in queue order; the others are withdrawn.

    A gate has usually opened before its ticket reaches the front of the queue:
    the claim is written while earlier batches are being appended.
    """
    admitted = []
    for ticket in batch:
        if ticket.gate is None or await ticket.gate:
            admitted.append(ticket)
        else:
            ticket.reply.cancel()
    return admitted


def _fail_queued(worker: InventoryWorker, failure: Exception) -> None:
    while not worker.queue.empty():
        pending = worker.queue.get_nowait()
        if pending is not None and not pending.reply.done():
            pending.reply.set_exception(failure)
