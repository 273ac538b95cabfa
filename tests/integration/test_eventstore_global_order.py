"""A writer held back mid-commit can never land below a position a reader has passed."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import NO_STREAM, MongoEventStore, NewEvent


class HeldBackStore(MongoEventStore):
    """Claims its position, then waits at a gate before the insert reaches the server."""

    def __init__(self, database: AsyncDatabase[dict]) -> None:
        super().__init__(database)
        self.claimed = asyncio.Event()
        self.gate = asyncio.Event()

    async def _insert_commit(self, doc: dict[str, Any]) -> None:
        if not self.gate.is_set():
            self.claimed.set()
            await self.gate.wait()
        await super()._insert_commit(doc)


async def test_slow_writer_commits_after_the_position_a_reader_has_seen(
    database: AsyncDatabase[dict],
) -> None:
    fast = MongoEventStore(database)
    await fast.ensure_indexes()
    slow, reader = HeldBackStore(database), MongoEventStore(database)
    head = await reader.head_position()

    slow_append = asyncio.create_task(slow.append("slow", [NewEvent("Slow", {})], NO_STREAM))
    await slow.claimed.wait()
    fast_result = await fast.append("fast", [NewEvent("Fast", {})], NO_STREAM)
    first_read = [e async for e in reader.read_all(head)]
    checkpoint = first_read[-1].position

    slow.gate.set()
    slow_result = await slow_append
    second_read = [e async for e in reader.read_all(checkpoint)]

    assert [e.stream for e in first_read] == ["fast"]
    assert [e.stream for e in second_read] == ["slow"]
    assert slow_result.first_position == fast_result.last_position + 1 == checkpoint + 1
