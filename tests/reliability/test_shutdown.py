"""SIGTERM in the middle of a burst: in-flight bookings finish, nothing acknowledged is missing."""

from __future__ import annotations

import asyncio
import signal
import time
import uuid

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore

from .conftest import Attempt, LogView, Sale, Server, audit, available_becomes

pytestmark = pytest.mark.slow
SHUTDOWN_BOUND_SECONDS = (
    25.0  # serve's shutdown timeout (10 s) + the queues' grace (5 s) + start-up slack
)


async def test_sigterm_during_a_burst_answers_or_refuses_every_booking_and_leaves_no_half_batch(
    server_on_test_store: Server, database: AsyncDatabase[dict]
) -> None:
    server = server_on_test_store
    store = MongoEventStore(database)
    async with aiohttp.ClientSession() as session:
        sale = Sale(session, server.base)
        await sale.open(store, capacity=150, buyers=20)
        burst = [Attempt(sale.buyers[i % 20], uuid.uuid4().hex, 1 + i % 3) for i in range(120)]
        sent = [asyncio.create_task(sale.book(a)) for a in burst]
        await asyncio.sleep(0.15)
        stopping = time.monotonic()
        server.signal(signal.SIGTERM)
        await asyncio.gather(*sent)
        assert server.process is not None
        exit_code = await asyncio.to_thread(server.process.wait, SHUTDOWN_BOUND_SECONDS)
        stopped_after = time.monotonic() - stopping
    assert exit_code == 0
    statuses = [a.status for a in burst]
    assert set(statuses) <= {201, 409, 503, None}, statuses
    log = await LogView.read(store, sale.show_id)
    for attempt in burst:
        if attempt.decided:
            expected = {201: "confirmed", 409: "rejected"}[attempt.status or 0]
            assert log.status(str(attempt.booking_id)) == expected
    server.start()  # the read models catch up with the log, so the audit compares like with like
    async with aiohttp.ClientSession() as session:
        sale.session, left = session, 150 - log.seats_confirmed()
        await asyncio.wait_for(available_becomes(sale, left), 15)
    result = audit(server)
    assert result.returncode == 0, result.stdout + result.stderr
    counts = {s: statuses.count(s) for s in set(statuses)}
    print(f"SIGTERM in a burst of 120: {counts}, exited after {stopped_after:.1f}s")
