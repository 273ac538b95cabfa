"""A booking answered 202 is durable: a server killed right after answering, then restarted,
decides it, and its status URL answers all along."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore

from .conftest import Attempt, LogView, Sale, Server, start_on_test_store

pytestmark = pytest.mark.slow
CAPACITY, BUYERS, EACH = 50, 10, 2


async def statuses(sale: Sale, attempts: list[Attempt]) -> list[str]:
    return list(await asyncio.gather(*(sale.status_of(a) for a in attempts)))


async def test_bookings_answered_202_are_decided_after_their_server_is_killed(
    tmp_path: Path,
    servers: list[Server],
    mongo_uri: str,
    db_name: str,
    database: AsyncDatabase[dict],
) -> None:
    server = start_on_test_store(
        tmp_path,
        servers,
        mongo_uri,
        db_name,
        BOXOFFICE_BOOKING_WAIT_SECONDS="0.001",
        BOXOFFICE_REQUEST_RECOVERY_SECONDS="0.5",
    )
    store = MongoEventStore(database)
    async with aiohttp.ClientSession() as session:
        sale = Sale(session, server.base)
        await sale.open(store, capacity=CAPACITY, buyers=BUYERS)
        attempts = [Attempt(b, uuid.uuid4().hex, 1) for b in sale.buyers for _ in range(EACH)]
        await asyncio.gather(*(sale.book(a) for a in attempts))
        server.kill()
        at_kill = await LogView.read(store, sale.show_id)
        undecided_at_kill = [a for a in attempts if at_kill.status(str(a.booking_id)) is None]
        server.start()
        assert undecided_at_kill, "the kill must come before some decisions for this to test"
        assert {a.status for a in attempts} <= {201, 202}
        deadline = time.monotonic() + 30
        while set(await statuses(sale, attempts)) != {"confirmed"}:
            assert time.monotonic() < deadline, await statuses(sale, attempts)
            await asyncio.sleep(0.2)
    log = await LogView.read(store, sale.show_id)
    assert log.seats_confirmed() == len(attempts)
    assert log.requested_twice() == []
