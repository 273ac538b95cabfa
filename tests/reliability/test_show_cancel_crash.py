"""A show cancellation killed half-way (SIGKILL of the server) resumes on restart, in two
processes at once, and cancels every booking exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.users import grant_admin
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import MongoEventStore

from .conftest import Attempt, LogView, Sale, Server, audit, start_on_test_store

pytestmark = pytest.mark.slow
BUYERS, BOOKINGS_EACH = 10, 4
SLOW_CANCELLATION = {
    "BOXOFFICE_SHOW_CANCEL_BATCH": "2",
    "BOXOFFICE_SHOW_CANCEL_PAUSE_SECONDS": "0.2",
}


async def log_types(store: MongoEventStore, show_id: str) -> Counter[str]:
    return Counter(e.type for e in await store.read_stream(inventory_stream(show_id)))


async def until(
    store: MongoEventStore, show_id: str, check: Callable[[Counter[str]], bool], within: float
) -> Counter[str]:
    """The inventory's event types by count, once ``check`` accepts them."""
    async with asyncio.timeout(within):
        while not check(types := await log_types(store, show_id)):  # noqa: ASYNC110 - the log
            await asyncio.sleep(0.05)
        return types


async def test_a_show_cancellation_killed_half_way_resumes_and_cancels_each_booking_once(
    tmp_path: Path,
    servers: list[Server],
    mongo_uri: str,
    db_name: str,
    database: AsyncDatabase[dict],
) -> None:
    server = start_on_test_store(tmp_path, servers, mongo_uri, db_name, **SLOW_CANCELLATION)
    store = MongoEventStore(database)
    async with aiohttp.ClientSession() as session:
        sale = Sale(session, server.base)
        await sale.open(store, capacity=BUYERS * BOOKINGS_EACH, buyers=BUYERS)
        attempts = [
            Attempt(buyer, uuid.uuid4().hex, 1)
            for buyer in sale.buyers
            for _ in range(BOOKINGS_EACH)
        ]
        await asyncio.gather(*(sale.book(a) for a in attempts))
        assert {a.status for a in attempts} == {201}
        admin = await sale.sign_up()
        await grant_admin(store, admin.email)
        admin = await sale.log_in(admin)
        cancel_url = f"{server.base}/shows/{sale.show_id}/cancel"
        async with session.post(cancel_url, headers=admin.headers) as response:
            assert response.status == 202, await response.text()

        half_way = await until(
            store, sale.show_id, lambda types: types["BookingCancelled"] >= 6, within=20
        )
        server.kill()
        assert half_way["BookingCancelled"] < len(attempts), "finished before the kill"
        assert half_way["ShowCancelled"] == 0

        server.start()
        second_dir = tmp_path / "second"
        second_dir.mkdir()
        same_seal_key = str(server.data_dir / "seal-key.pem")
        start_on_test_store(
            second_dir, servers, mongo_uri, db_name,
            BOXOFFICE_SEAL_KEY_FILE=same_seal_key, **SLOW_CANCELLATION,
        )  # fmt: skip
        done = await until(
            store, sale.show_id, lambda types: types["ShowCancelled"] >= 1, within=60
        )
        async with session.get(f"{server.base}/shows/{sale.show_id}") as response:
            show = await response.json()
        assert show["status"] in ("cancelling", "cancelled")
        async with session.post(cancel_url, headers=admin.headers) as again:
            assert again.status in (200, 202)

    log = await LogView.read(store, sale.show_id)
    for attempt in attempts:
        types = log.events_by_booking[str(attempt.booking_id)]
        assert types.count("BookingCancelled") == 1, types
    assert done["BookingCancelled"] == len(attempts)
    assert (await log_types(store, sale.show_id))["ShowCancelled"] == 1
    assert (await log_types(store, sale.show_id))["ShowCancellationStarted"] == 1
    result = audit(server)
    assert result.returncode == 0, result.stdout + result.stderr
