"""Writers held back between reserving their positions and inserting: readers never skip them."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import (
    NO_STREAM,
    MongoEventStore,
    NewEvent,
    RecordedEvent,
    WrongExpectedVersion,
    subscribe,
)


class HeldBackStore(MongoEventStore):
    """Reserves its positions, then waits at a gate before its insert reaches the server."""

    def __init__(self, database: AsyncDatabase[dict], **options: Any) -> None:
        super().__init__(database, **options)
        self.held = asyncio.Event()
        self.gate = asyncio.Event()
        insert = self._writer._insert

        async def held_back_insert(batch: list[dict[str, Any]]) -> set[int]:
            if not self.gate.is_set():
                self.held.set()
                await self.gate.wait()
            return await insert(batch)

        self._writer._insert = held_back_insert  # type: ignore[method-assign]


async def read_until_some(store: MongoEventStore, after: int, within: float) -> list[RecordedEvent]:
    """Read again and again, as a follower polls, until something comes."""
    deadline = asyncio.get_running_loop().time() + within
    while not (found := await read_from(store, after)):
        assert asyncio.get_running_loop().time() < deadline, "nothing came"
        await asyncio.sleep(0.05)
    return found


def one_event(kind: str) -> list[NewEvent]:
    return [NewEvent(kind, {})]


async def read_from(store: MongoEventStore, after: int) -> list[RecordedEvent]:
    return [event async for event in store.read_all(after)]


async def test_a_commit_above_a_held_back_writer_stays_invisible_until_that_writer_lands(
    database: AsyncDatabase[dict],
) -> None:
    fast, reader = MongoEventStore(database), MongoEventStore(database)
    await fast.ensure_indexes()
    slow = HeldBackStore(database)
    head = await reader.head_position()

    slow_append = asyncio.create_task(slow.append("slow", one_event("Slow"), NO_STREAM))
    await slow.held.wait()
    fast_result = await fast.append("fast", one_event("Fast"), NO_STREAM)
    while_held = await read_from(reader, head)
    slow.gate.set()
    slow_result = await slow_append

    assert while_held == []
    assert [e.stream for e in await read_from(reader, head)] == ["slow", "fast"]
    assert slow_result.first_position < fast_result.first_position


async def test_one_held_back_writer_among_many_is_never_skipped_by_a_live_reader(
    database: AsyncDatabase[dict],
) -> None:
    await MongoEventStore(database).ensure_indexes()
    held = HeldBackStore(database)
    writers = [held, *(MongoEventStore(database) for _ in range(7))]
    streams = [f"s-{uuid.uuid4().hex[:8]}" for _ in writers]
    head = await MongoEventStore(database).head_position()
    seen: list[RecordedEvent] = []

    async def write(store: MongoEventStore, stream: str) -> None:
        for version in range(5):
            await store.append(stream, one_event("Happened"), version)

    async def read() -> None:
        async for event in subscribe(MongoEventStore(database), head, idle_timeout=0.02):
            seen.append(event)
            if len(seen) == 5 * len(writers):
                return

    reading = asyncio.create_task(read())
    writing = [asyncio.create_task(write(w, s)) for w, s in zip(writers, streams, strict=True)]
    await held.held.wait()
    await asyncio.gather(*writing[1:])
    await asyncio.sleep(0.2)
    seen_while_held = list(seen)
    held.gate.set()
    await asyncio.wait_for(asyncio.gather(writing[0], reading), 30)

    held_position = next(e.position for e in seen if e.stream == streams[0])
    assert all(e.position < held_position for e in seen_while_held)
    positions = [e.position for e in seen]
    assert positions == sorted(set(positions))
    for stream in streams:
        assert [e.version for e in seen if e.stream == stream] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("late_events", [1, 100])
async def test_positions_left_empty_are_sealed_and_their_late_writer_lands_above_the_reader(
    database: AsyncDatabase[dict], late_events: int
) -> None:
    fast = MongoEventStore(database)
    await fast.ensure_indexes()
    reader = MongoEventStore(database, seal_after=0.1)
    late = HeldBackStore(database)
    head = await reader.head_position()

    many = [NewEvent("Late", {}) for _ in range(late_events)]
    late_append = asyncio.create_task(late.append("late", many, NO_STREAM))
    await late.held.wait()
    await fast.append("fast", one_event("Fast"), NO_STREAM)
    assert await read_from(reader, head) == []
    first_read = await read_until_some(reader, head, within=3.0)
    late.gate.set()
    late_result = await late_append
    second_read = await read_from(reader, first_read[-1].position)

    assert [e.stream for e in first_read] == ["fast"]
    assert [e.stream for e in second_read] == ["late"] * late_events
    assert late_result.first_position > first_read[-1].position


async def test_appends_land_past_a_log_written_before_positions_were_reserved(
    database: AsyncDatabase[dict],
) -> None:
    earlier = MongoEventStore(database)
    await earlier.append("old", one_event("Old"), NO_STREAM)
    await database.events_positions.drop()

    store = MongoEventStore(database)
    await store.ensure_indexes()
    result = await store.append("new", one_event("New"), NO_STREAM)

    assert [e.stream for e in await read_from(store, 0)] == ["old", "new"]
    assert result.first_position == 2


async def test_a_commit_refused_for_its_version_leaves_no_empty_position_behind(
    database: AsyncDatabase[dict],
) -> None:
    await MongoEventStore(database).ensure_indexes()
    winner, loser = MongoEventStore(database), HeldBackStore(database)
    reader = MongoEventStore(database, seal_after=3600)  # waiting on a gap would hang the test
    head = await reader.head_position()
    await winner.append("shared", one_event("First"), NO_STREAM)

    losing = asyncio.create_task(loser.append("shared", [NewEvent("Late", {})] * 3, 1))
    await loser.held.wait()
    await winner.append("shared", one_event("Second"), 1)
    loser.gate.set()
    with pytest.raises(WrongExpectedVersion):
        await losing
    await winner.append("after", one_event("After"), NO_STREAM)

    read = await read_from(reader, head)
    assert [e.type for e in read] == ["First", "Second", "After"]


async def test_a_reader_facing_only_tombstones_waits_instead_of_spinning(
    database: AsyncDatabase[dict],
) -> None:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    await store.append("shared", one_event("First"), NO_STREAM)
    with pytest.raises(WrongExpectedVersion):
        await store.append("shared", one_event("Stale"), NO_STREAM)  # refused: sealed at the tail
    last = (await read_from(store, 0))[-1].position

    started = asyncio.get_running_loop().time()
    for _ in range(3):
        assert await read_from(store, last) == []
        await store.wait_for_events(last, 0.1)
    assert asyncio.get_running_loop().time() - started >= 0.2
