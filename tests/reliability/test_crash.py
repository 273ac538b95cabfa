"""SIGKILL mid-sale (the server, or the embedded store under it): nothing acknowledged is lost,
and every unanswered request retried with its Idempotency-Key books at most once."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from pathlib import Path

import aiohttp
import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore

from .conftest import (
    REQUEST_BOUND_SECONDS,
    Attempt,
    LogView,
    Sale,
    Server,
    audit,
    available_becomes,
    server_env,
    wait_gone,
    wait_until,
)

pytestmark = pytest.mark.slow
CAPACITY, BUYERS = 300, 40
KILL_AFTER_SEATS = 90


async def sell_until_kill_point(sale: Sale, stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """Buyers at work until KILL_AFTER_SEATS seats were answered 201; they go on until ``stop``."""
    quantities = itertools.cycle([1, 2, 1, 3])
    buyers = [asyncio.create_task(sale.keep_buying(b, stop, quantities)) for b in sale.buyers]
    while sale.seats_answered_201() < KILL_AFTER_SEATS:  # noqa: ASYNC110 - counts HTTP answers
        await asyncio.sleep(0.02)
    return buyers


async def check_after_recovery(
    sale: Sale, store: MongoEventStore, answered_201: list[Attempt]
) -> dict[str, int]:
    """The checks of issue 7: acknowledged bookings kept, retries book once, seats add up."""
    undecided = sale.undecided()
    await sale.retry_until_decided(undecided, within=30)
    acknowledged = {a.key: a.booking_id for a in answered_201}
    await sale.retry_until_decided(answered_201, within=10)  # same key again: the same 201
    assert {a.key: a.booking_id for a in answered_201} == acknowledged
    assert {a.status for a in answered_201} <= {201}
    log = await LogView.read(store, sale.show_id)
    assert log.requested_twice() == []
    # Double booking would show as a booking in the log that no request's final answer names,
    # or two requests (two keys) answered with one booking: neither happens.
    final_ids = [str(a.booking_id) for a in sale.attempts]
    assert len(set(final_ids)) == len(final_ids)
    assert set(log.events_by_booking) == set(final_ids)
    for attempt in sale.attempts:
        assert log.owners[str(attempt.booking_id)] == attempt.buyer.user_id
    for attempt in answered_201:
        assert log.status(str(attempt.booking_id)) == "confirmed"
        assert await sale.status_of(attempt) == "confirmed"
    for attempt in sale.attempts:
        assert (
            log.status(str(attempt.booking_id))
            == {201: "confirmed", 409: "rejected"}[attempt.status]
        )
    assert log.seats_confirmed() <= CAPACITY
    await asyncio.wait_for(available_becomes(sale, CAPACITY - log.seats_confirmed()), 15)
    return {
        "answered_201": len(answered_201),
        "retried": len(undecided),
        "requests": len(sale.attempts),
    }


def restarted(server: Server, first_pid: int) -> bool:
    try:
        return server.store_pid() != first_pid
    except (OSError, ValueError):  # store.json is being rewritten
        return False


async def test_sigkill_of_the_server_mid_sale_loses_no_acknowledged_booking(
    server_on_test_store: Server, database: AsyncDatabase[dict]
) -> None:
    server = server_on_test_store
    store = MongoEventStore(database)
    async with aiohttp.ClientSession() as session:
        sale = Sale(session, server.base)
        await sale.open(store, CAPACITY, BUYERS)
        stop = asyncio.Event()
        buyers = await sell_until_kill_point(sale, stop)
        server.kill()
        stop.set()
        await asyncio.wait_for(asyncio.gather(*buyers), REQUEST_BOUND_SECONDS + 5)
        answered_201 = [a for a in sale.attempts if a.status == 201]
        unanswered = sum(a.status is None for a in sale.attempts)
        server.start()
        numbers = await check_after_recovery(sale, store, answered_201)
    result = audit(server)
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"server SIGKILL: {numbers}, no answer at the kill: {unanswered}")


async def test_sigkill_of_the_embedded_store_mid_sale_is_survived_without_a_restart(
    tmp_path: Path, servers: list[Server]
) -> None:
    server = Server(tmp_path, server_env(tmp_path / "data"))
    servers.append(server)
    server.start()
    client: AsyncMongoClient[dict] = AsyncMongoClient(server.store_uri(), tz_aware=True)
    try:
        store = MongoEventStore(client["boxoffice"])
        async with aiohttp.ClientSession() as session:
            sale = Sale(session, server.base)
            await sale.open(store, CAPACITY, BUYERS)
            stop = asyncio.Event()
            buyers = await sell_until_kill_point(sale, stop)
            first_store = server.store_pid()
            os.kill(first_store, signal.SIGKILL)
            killed_at = time.monotonic()
            await asyncio.to_thread(
                wait_until, lambda: restarted(server, first_store), 20, "restart"
            )
            answered_before = sale.seats_answered_201()
            while sale.seats_answered_201() == answered_before:
                await asyncio.sleep(0.05)
                assert time.monotonic() - killed_at < 30, "booking never worked again"
            recovered = time.monotonic() - killed_at
            stop.set()
            await asyncio.wait_for(asyncio.gather(*buyers), REQUEST_BOUND_SECONDS + 5)
            assert max(a.seconds for a in sale.attempts) < REQUEST_BOUND_SECONDS
            statuses = sorted({a.status for a in sale.attempts}, key=str)
            answered_201 = [a for a in sale.attempts if a.status == 201]
            numbers = await check_after_recovery(sale, store, answered_201)
        assert set(statuses) <= {201, 409, 503}, statuses  # never a hang, a 202 or a 500
        assert server.log_text().count("restarting it on") == 1
        result = audit(server)
        assert result.returncode == 0, result.stdout + result.stderr
        restarted_store = server.store_pid()
        server.signal(signal.SIGTERM)  # a clean stop still stops the restarted store for good
        assert server.process is not None and server.process.wait(timeout=30) == 0
        wait_gone(restarted_store, within=10)
        print(
            f"store SIGKILL: {numbers}, statuses {statuses}, booking again {recovered:.1f}s after the kill"
        )
    finally:
        await client.close()
