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

from .conftest import PASSWORD, Attempt, LogView, Sale, Server, audit, available_becomes

pytestmark = pytest.mark.slow
SHUTDOWN_BOUND_SECONDS = (
    25.0  # drain (1 s) + serve's shutdown timeout (10 s) + the queues' grace (5 s) + slack
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


async def test_sigterm_answers_every_request_already_sent_instead_of_resetting_it(
    server_on_test_store: Server,
) -> None:
    server = server_on_test_store
    connector = aiohttp.TCPConnector(limit=0)  # a connection of its own for every request
    async with aiohttp.ClientSession(connector=connector) as session:

        async def register() -> int:
            account = {"email": f"{uuid.uuid4().hex}@example.com", "password": PASSWORD}
            async with session.post(f"{server.base}/auth/register", json=account) as r:
                return r.status

        sent = [asyncio.create_task(register()) for _ in range(150)]
        await asyncio.sleep(0.05)
        server.signal(signal.SIGTERM)
        answers = await asyncio.gather(*sent, return_exceptions=True)
    assert server.process is not None
    assert await asyncio.to_thread(server.process.wait, SHUTDOWN_BOUND_SECONDS) == 0
    failures = [repr(a) for a in answers if isinstance(a, BaseException)]
    assert not failures, f"{len(failures)} of 150 failed, e.g. {failures[0]}"
    assert set(answers) == {201}


async def ready_turns_503(session: aiohttp.ClientSession, base: str, within: float = 5) -> bool:
    """Whether /ready answers 503 within ``within`` seconds: the signal is handled between
    requests, so the first request after it may still be answered as before."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with session.get(f"{base}/ready") as ready:
            if ready.status == 503:
                return True
        await asyncio.sleep(0.05)
    return False


async def test_after_sigterm_ready_answers_503_while_requests_are_still_served(
    server_on_test_store: Server,
) -> None:
    server = server_on_test_store
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{server.base}/ready") as before:
            assert before.status == 200
        server.signal(signal.SIGTERM)
        assert await ready_turns_503(session, server.base)
        async with session.get(f"{server.base}/health") as health:
            assert health.status == 200
    assert server.process is not None
    assert await asyncio.to_thread(server.process.wait, SHUTDOWN_BOUND_SECONDS) == 0
