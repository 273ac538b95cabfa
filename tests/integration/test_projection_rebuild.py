"""Rebuilding read models into new generations, with and without a live runner."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore
from boxoffice.projections import queries
from boxoffice.projections.generations import POINTERS, current_generation
from boxoffice.projections.read_models import READ_MODELS
from boxoffice.projections.rebuild import rebuild
from boxoffice.projections.runner import ProjectionRunner
from tests.projection_history import random_history

Document = dict[str, Any]
ALL = list(READ_MODELS.values())


async def snapshot(database: AsyncDatabase[Document], name: str) -> list[Document]:
    collection = database[(await current_generation(database, name)).collection]
    return await collection.find({"_id": {"$gte": ""}}).sort("_id", 1).to_list()


async def snapshots(database: AsyncDatabase[Document]) -> dict[str, list[Document]]:
    return {name: await snapshot(database, name) for name in READ_MODELS}


async def caught_up(runner: ProjectionRunner, store: MongoEventStore) -> None:
    assert await runner.wait_for(await store.head_position(), 30)


async def test_a_rebuild_gives_the_same_read_models_as_the_live_runner(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    history = await random_history(store, at_least=5_000)
    runner = ProjectionRunner(database, store)
    runner.start()
    try:
        await caught_up(runner, store)
    finally:
        await runner.stop()
    live = await snapshots(database)

    first = await rebuild(database, store, ALL, grace_seconds=0)
    rebuilt = await snapshots(database)
    await rebuild(database, store, ALL, grace_seconds=0)

    assert first.events == history.events >= 5_000
    assert rebuilt == live
    assert await snapshots(database) == rebuilt
    assert all(len(docs) > 0 for docs in live.values())
    statuses = {doc["status"] for doc in live["bookings"]}
    assert statuses == {"confirmed", "rejected", "cancelled"}
    collections = set(await database.list_collection_names())
    assert {"offers_g3", "bookings_g3", "orders_g3", "users_g3"} <= collections
    assert not {"offers_g1", "offers_g2", "bookings_g2", "orders_g2", "users_g1"} & collections


async def test_a_rebuild_of_one_read_model_leaves_the_others_alone(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    await random_history(store, at_least=300)
    await rebuild(database, store, ALL, grace_seconds=0)

    await rebuild(database, store, [READ_MODELS["offers"]], grace_seconds=0)

    pointers = await database[POINTERS].find({"_id": {"$gte": ""}}).sort("_id", 1).to_list()
    assert [(p["_id"], p["generation"]) for p in pointers] == [
        ("bookings", 2),
        ("offers", 3),
        ("orders", 2),
        ("sales", 2),
        ("shows", 2),
        ("tickets", 2),
        ("users", 2),
    ]


async def test_queries_answer_from_the_old_generation_during_a_rebuild(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    history = await random_history(store, at_least=3_000)
    runner = ProjectionRunner(database, store)
    runner.start()
    try:
        await caught_up(runner, store)
        offers, _ = await queries.search_offers(database, limit=100)
        booking = await queries.get_booking(database, history.last_booking_id)
        progressed = asyncio.Event()
        seen_during_rebuild = []

        async def query_while_rebuilding() -> None:
            await progressed.wait()
            while not rebuilding.done():
                seen_during_rebuild.append(
                    (
                        (await queries.search_offers(database, limit=100))[0],
                        await queries.get_booking(database, history.last_booking_id),
                    )
                )

        rebuilding = asyncio.create_task(
            rebuild(database, store, ALL, progress=lambda *_: progressed.set(), grace_seconds=0.2)
        )
        await asyncio.gather(rebuilding, query_while_rebuilding())
    finally:
        await runner.stop()

    assert seen_during_rebuild
    assert all(seen == (offers, booking) for seen in seen_during_rebuild)


async def test_the_live_runner_moves_to_the_new_generation_after_a_switch(
    database: AsyncDatabase[Document],
) -> None:
    store = MongoEventStore(database)
    history = await random_history(store, at_least=500)
    runner = ProjectionRunner(database, store)
    runner.start()
    try:
        await caught_up(runner, store)
        await rebuild(database, store, ALL, grace_seconds=1.5)
        stream = sorted(history.inventories)[0]
        await history.book(stream, 3)
        await caught_up(runner, store)
        booking = await queries.get_booking(database, history.last_booking_id)
    finally:
        await runner.stop()

    assert booking is not None
    assert (await current_generation(database, "bookings")).generation == 2
    assert "bookings_g1" not in await database.list_collection_names()
