"""Group commit: concurrent calls share one store round trip.

Callers that arrive while a batch is being written form the next batch, so a
lone caller waits for nothing and a crowd costs one write per batch instead of
one per caller, the way a database amortises its log flush.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

BatchWrite = Callable[[list[T]], Awaitable[Sequence[R | Exception]]]


class GroupCommit(Generic[T, R]):
    def __init__(self, write: BatchWrite[T, R], max_batch: int = 500) -> None:
        """``write`` takes the items of one batch and returns one result per item, in order;
        an exception in place of a result fails that item's caller alone."""
        self._write = write
        self._max_batch = max_batch
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        reply: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, reply))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await reply

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # callers scheduled in this same tick join the first batch
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            try:
                results = await self._write([item for item, _ in batch])
            except Exception as failure:
                for _, reply in batch:
                    if not reply.done():
                        reply.set_exception(failure)
                continue
            for (_, reply), result in zip(batch, results, strict=True):
                if reply.done():
                    continue
                if isinstance(result, Exception):
                    reply.set_exception(result)
                else:
                    reply.set_result(result)
