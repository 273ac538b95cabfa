"""The event store contract: every EventStore implementation passes these, the MongoDB one over TCP."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import (
    ANY,
    NO_STREAM,
    EventStore,
    InMemoryEventStore,
    MongoEventStore,
    NewEvent,
    RecordedEvent,
    WrongExpectedVersion,
    subscribe,
)

StoreFactory = Callable[[], EventStore]


@pytest.fixture(params=["memory", "mongo"])
async def new_store(request: pytest.FixtureRequest, database: AsyncDatabase[dict]) -> StoreFactory:
    """Makes store instances over ONE log; several Mongo instances behave like several processes."""
    if request.param == "memory":
        shared = InMemoryEventStore()
        return lambda: shared
    await MongoEventStore(database).ensure_indexes()
    return lambda: MongoEventStore(database)


@pytest.fixture
def store(new_store: StoreFactory) -> EventStore:
    return new_store()


def stream_name() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def events(count: int, kind: str = "Happened") -> list[NewEvent]:
    return [NewEvent(type=kind, data={"n": i}) for i in range(count)]


async def everything(store: EventStore, after: int = 0) -> list[RecordedEvent]:
    return [event async for event in store.read_all(after)]


async def test_first_append_numbers_versions_from_one(store: EventStore) -> None:
    stream = stream_name()
    result = await store.append(stream, events(3), NO_STREAM)
    assert (result.first_version, result.last_version) == (1, 3)
    assert [e.version for e in await store.read_stream(stream)] == [1, 2, 3]


async def test_append_with_exact_expected_version_continues_the_stream(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(2), NO_STREAM)
    result = await store.append(stream, events(2), 2)
    assert (result.first_version, result.last_version) == (3, 4)


async def test_stale_expected_version_is_rejected_and_writes_nothing(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(2), NO_STREAM)
    await store.append(stream, events(1), 2)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, events(5), 2)
    assert len(await store.read_stream(stream)) == 3


async def test_expected_version_inside_a_batch_cannot_overlap_it(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(3), NO_STREAM)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, events(1), 1)
    assert [e.version for e in await store.read_stream(stream)] == [1, 2, 3]


async def test_expected_version_beyond_the_head_cannot_leave_a_gap(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(1), NO_STREAM)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, events(1), 5)


async def test_no_stream_on_an_existing_stream_is_rejected(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(1), NO_STREAM)
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream, events(1), NO_STREAM)


async def test_exact_expectation_on_a_missing_stream_is_rejected(store: EventStore) -> None:
    with pytest.raises(WrongExpectedVersion):
        await store.append(stream_name(), events(1), 1)


async def test_any_appends_at_the_end_whatever_the_version(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(1), ANY)
    result = await store.append(stream, events(2), ANY)
    assert (result.first_version, result.last_version) == (2, 3)


async def test_retried_commit_id_returns_the_stored_result_and_writes_nothing(
    store: EventStore,
) -> None:
    stream = stream_name()
    first = await store.append(stream, events(2), NO_STREAM, commit_id="cmd-1")
    again = await store.append(stream, events(2), NO_STREAM, commit_id="cmd-1")
    assert again.duplicate and not first.duplicate
    assert (again.first_version, again.last_position) == (first.first_version, first.last_position)
    assert len(await store.read_stream(stream)) == 2


async def test_read_stream_from_a_version_inside_a_batch(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(4), NO_STREAM)
    await store.append(stream, events(2), 4)
    assert [e.version for e in await store.read_stream(stream, from_version=3)] == [3, 4, 5, 6]


async def test_a_writer_reads_what_another_appended_after_its_own_commit(
    new_store: StoreFactory,
) -> None:
    mine, theirs = new_store(), new_store()
    stream, other = stream_name(), stream_name()
    await mine.append(stream, events(2), NO_STREAM)
    await theirs.append(other, events(3), NO_STREAM)
    await theirs.append(stream, events(2, "Theirs"), 2)
    await theirs.append(other, events(1), 3)
    tail = await mine.read_stream(stream, from_version=3)
    assert [(e.version, e.type) for e in tail] == [(3, "Theirs"), (4, "Theirs")]
    await mine.append(stream, events(1, "Mine"), 4)
    assert [e.type for e in await theirs.read_stream(stream, from_version=5)] == ["Mine"]


async def test_global_positions_are_gapless_across_streams(store: EventStore) -> None:
    start = await store.head_position()
    await store.append(stream_name(), events(3), NO_STREAM)
    await store.append(stream_name(), events(2), NO_STREAM)
    seen = await everything(store, start)
    assert [e.position for e in seen] == list(range(start + 1, start + 6))


async def test_read_all_after_a_position_inside_a_batch(store: EventStore) -> None:
    start = await store.head_position()
    await store.append(stream_name(), events(5), NO_STREAM)
    seen = await everything(store, start + 2)
    assert [e.position for e in seen] == [start + 3, start + 4, start + 5]


async def test_read_all_limit_bounds_the_events_returned(store: EventStore) -> None:
    start = await store.head_position()
    await store.append(stream_name(), events(5), NO_STREAM)
    assert len([e async for e in store.read_all(start, limit=3)]) == 3


async def test_events_keep_type_data_metadata_and_identity(store: EventStore) -> None:
    stream = stream_name()
    sent = NewEvent(type="SeatHeld", data={"seat": "A1", "qty": 2}, metadata={"user_id": "u1"})
    await store.append(stream, [sent], NO_STREAM)
    (got,) = await store.read_stream(stream)
    assert (got.event_id, got.type, dict(got.data), dict(got.metadata)) == (
        sent.event_id,
        "SeatHeld",
        {"seat": "A1", "qty": 2},
        {"user_id": "u1"},
    )
    assert got.recorded_at.tzinfo is not None


async def test_each_event_hash_chains_to_the_previous_one_in_its_stream(store: EventStore) -> None:
    stream = stream_name()
    await store.append(stream, events(2), NO_STREAM)
    await store.append(stream, events(2), 2)
    recorded = await store.read_stream(stream)
    assert recorded[0].previous_hash == ""
    assert [e.previous_hash for e in recorded[1:]] == [e.hash for e in recorded[:-1]]


async def test_concurrent_appenders_with_one_expectation_have_exactly_one_winner(
    new_store: StoreFactory,
) -> None:
    stream = stream_name()
    await new_store().append(stream, events(1), NO_STREAM)
    contenders = [new_store() for _ in range(4)]

    async def attempt(i: int) -> bool:
        try:
            await contenders[i % 4].append(stream, events(2), 1)
            return True
        except WrongExpectedVersion:
            return False

    outcomes = await asyncio.gather(*(attempt(i) for i in range(20)))
    assert outcomes.count(True) == 1
    assert [e.version for e in await new_store().read_stream(stream)] == [1, 2, 3]


async def test_racing_any_appenders_all_land_without_gap_or_overlap(
    new_store: StoreFactory,
) -> None:
    stream = stream_name()
    writers = [new_store() for _ in range(3)]
    await asyncio.gather(*(writers[i % 3].append(stream, events(2), ANY) for i in range(15)))
    assert [e.version for e in await new_store().read_stream(stream)] == list(range(1, 31))


async def test_no_partial_batch_is_ever_visible(new_store: StoreFactory) -> None:
    stream, batch = stream_name(), 7
    writer, reader = new_store(), new_store()
    done = asyncio.Event()

    async def write() -> None:
        for _ in range(15):
            await writer.append(stream, events(batch), ANY)
        done.set()

    async def observe() -> list[int]:
        sizes = []
        while not done.is_set():
            sizes.append(len(await reader.read_stream(stream)))
            await asyncio.sleep(0)
        return sizes

    _, sizes = await asyncio.gather(write(), observe())
    assert all(size % batch == 0 for size in sizes)


async def test_global_reader_sees_every_event_once_in_stream_order_while_writers_race(
    new_store: StoreFactory,
) -> None:
    start = await new_store().head_position()
    streams = [stream_name() for _ in range(4)]
    writers = [new_store() for _ in range(3)]
    expected_total = 4 * 10 * 3
    appended: list[str] = []
    seen: list[RecordedEvent] = []

    async def write(stream: str) -> None:
        for _ in range(10):
            batch = events(3)
            await random.choice(writers).append(stream, batch, ANY)
            appended.extend(e.event_id for e in batch)

    async def read() -> None:
        async for event in subscribe(new_store(), start, idle_timeout=0.02):
            seen.append(event)
            if len(seen) == expected_total:
                return

    await asyncio.wait_for(asyncio.gather(read(), *(write(s) for s in streams)), 60)
    positions = [e.position for e in seen]
    assert positions == sorted(set(positions)) and positions[0] > start
    assert sorted(e.event_id for e in seen) == sorted(appended)
    for stream in streams:
        assert [e.version for e in seen if e.stream == stream] == list(range(1, 31))


async def test_subscriber_receives_events_appended_after_it_started(store: EventStore) -> None:
    start = await store.head_position()
    received: list[RecordedEvent] = []

    async def follow() -> None:
        async for event in subscribe(store, start, idle_timeout=0.02):
            received.append(event)
            if len(received) == 2:
                return

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.05)
    await store.append(stream_name(), events(2), NO_STREAM)
    await asyncio.wait_for(follower, 10)
    assert [e.position for e in received] == [start + 1, start + 2]
