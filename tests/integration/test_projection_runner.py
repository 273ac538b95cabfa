"""The live runner: checkpoints, restarts, redelivery, several runners, read-your-writes."""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.embedded import free_port, uri_for
from boxoffice.eventstore import MongoEventStore
from boxoffice.projections import queries
from boxoffice.projections.apply import apply_batch
from boxoffice.projections.checkpoints import load_checkpoint
from boxoffice.projections.read_models import READ_MODELS
from boxoffice.projections.rebuild import rebuild
from boxoffice.projections.runner import ProjectionRunner
from tests.integration.test_projection_rebuild import caught_up, snapshots
from tests.projection_history import random_history

Document = dict[str, Any]
ALL = list(READ_MODELS.values())


async def test_a_runner_stopped_halfway_resumes_and_ends_like_an_uninterrupted_pass(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    await random_history(store, at_least=1_500)
    head = await store.head_position()
    first = ProjectionRunner(database, store, batch_size=100)
    first.start()
    assert await first.wait_for(head // 2, 30)
    await first.stop()
    stopped_at = await load_checkpoint(database, "bookings_g1")

    second = ProjectionRunner(database, store, batch_size=100)
    second.start()
    try:
        await caught_up(second, store)
    finally:
        await second.stop()
    resumed = await snapshots(database)
    await rebuild(database, store, ALL, grace_seconds=0)

    assert head // 2 <= stopped_at < head
    assert resumed == await snapshots(database)


async def test_redelivering_events_changes_nothing(database: AsyncDatabase[Document]) -> None:
    store = MongoEventStore(database)
    await random_history(store, at_least=1_000)
    events = [e async for e in store.read_all()]
    await rebuild(database, store, ALL, grace_seconds=0)
    once = await snapshots(database)

    for model in ALL:
        collection = database[f"{model.name}_g2"]
        await apply_batch(collection, model, events[:600])
        await apply_batch(collection, model, events[300:])
        await apply_batch(collection, model, events)

    assert await snapshots(database) == once


async def test_a_batch_overlapping_part_of_what_was_applied_completes_every_document(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    await random_history(store, at_least=1_000)
    events = [e async for e in store.read_all()]
    await rebuild(database, store, ALL, grace_seconds=0)
    once = await snapshots(database)

    for model in ALL:
        collection = database[f"{model.name}_g2"]
        await collection.delete_many({"_id": {"$gte": ""}})
        await apply_batch(collection, model, events[:555])
        await apply_batch(collection, model, events[333:])

    assert await snapshots(database) == once


async def test_two_runners_on_the_same_read_models_agree_with_one_pass(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    history = await random_history(store, at_least=500)
    runners = [ProjectionRunner(database, store, batch_size=size) for size in (70, 130)]
    for runner in runners:
        runner.start()
    try:
        await history.random_activity(at_least=900)
        for runner in runners:
            await caught_up(runner, store)
    finally:
        for runner in runners:
            await runner.stop()
    together = await snapshots(database)
    await rebuild(database, store, ALL, grace_seconds=0)

    assert together == await snapshots(database)


async def test_wait_for_returns_once_the_booking_is_visible(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    history = await random_history(store, at_least=200)
    runner = ProjectionRunner(database, store)
    runner.start()
    try:
        await caught_up(runner, store)
        await history.book(sorted(history.inventories)[0], 1)
        assert history.last is not None
        applied = await runner.wait_for(history.last.last_position, 5)
        booking = await queries.get_booking(database, history.last_booking_id)
        too_far = await runner.wait_for(history.last.last_position + 1, 0.3, ["bookings"])
    finally:
        await runner.stop()

    assert applied
    assert booking is not None
    assert booking["status"] in {"confirmed", "rejected"}
    assert not too_far


async def test_a_runner_keeps_retrying_while_the_store_is_unreachable(
    database: AsyncDatabase[Document],
) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        uri_for(free_port()), serverSelectionTimeoutMS=50
    )
    unreachable = client[database.name]
    runner = ProjectionRunner(unreachable, MongoEventStore(unreachable))
    runner.start()
    try:
        await asyncio.sleep(0.5)
        stopped = runner.stopped_projections()
    finally:
        await runner.stop()
        await client.close()
        collect_sockets_pymongo_left_open()

    assert stopped == []


def collect_sockets_pymongo_left_open() -> None:
    """Close, quietly, what PyMongo leaks when close() cancels a connect to a dead server.

    Its async connect closes the socket on OSError and timeouts but not on
    cancellation; left to the garbage collector, the ResourceWarning lands in
    whichever later test happens to be running.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


async def test_waiters_that_gave_up_do_not_pile_up_behind_a_stalled_read_model(
    database: AsyncDatabase[Document],
) -> None:
    runner = ProjectionRunner(database, MongoEventStore(database))
    for _ in range(500):
        assert not await runner.wait_for(1, 0, ["bookings"])
    assert len(runner._waiters["bookings"]) <= 200
