"""SIGKILL of a `boxoffice serve` mid-delivery: after a restart the receiver has every booking
event, first delivered in log order (an event in flight at the kill may come twice)."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.users import grant_admin
from boxoffice.eventstore import MongoEventStore
from tests.webhook_receiver import Receiver

from .conftest import Sale, Server, start_on_test_store

pytestmark = pytest.mark.slow
BOOKINGS = ["BookingRequested", "BookingConfirmed", "BookingRejected", "BookingCancelled"]
KILL_AFTER_DELIVERIES = 15


@pytest.fixture
def server(
    tmp_path: Path, servers: list[Server], mongo_uri: str, db_name: str, database: AsyncDatabase
) -> Server:
    return start_on_test_store(
        tmp_path,
        servers,
        mongo_uri,
        db_name,
        BOXOFFICE_WEBHOOK_RETRY_BASE_SECONDS="0.05",
        BOXOFFICE_WEBHOOK_TIMEOUT_SECONDS="1",
    )


async def subscribe(sale: Sale, store: MongoEventStore, url: str) -> None:
    admin = await sale.sign_up()
    await grant_admin(store, admin.email)
    admin = await sale.log_in(admin)
    body = {"url": url, "events": BOOKINGS}
    async with sale.session.post(f"{sale.base}/webhooks", json=body, headers=admin.headers) as r:
        assert r.status == 201, await r.text()


async def test_a_server_killed_mid_delivery_resumes_without_gaps_or_reordering(
    server: Server, database: AsyncDatabase, receiver: Receiver
) -> None:
    store = MongoEventStore(database)
    receiver.delay = 0.03
    async with aiohttp.ClientSession() as session:
        sale = Sale(session, server.base)
        await subscribe(sale, store, receiver.url)
        after = await store.head_position()
        await sale.open(store, capacity=1000, buyers=4)
        stop = asyncio.Event()
        quantities = itertools.repeat(1)
        buyers = [asyncio.create_task(sale.keep_buying(b, stop, quantities)) for b in sale.buyers]
        while len(receiver.acknowledged()) < KILL_AFTER_DELIVERIES:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        server.kill()
        delivered_before_kill = len(receiver.first_acknowledged())
        await asyncio.to_thread(server.start)
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*buyers)
        await sale.retry_until_decided(sale.undecided(), within=30)

    expected = [e.event_id async for e in store.read_all(after) if e.type in BOOKINGS]
    assert len(expected) > delivered_before_kill
    got = await receiver.wait_for(len(expected), within=60)
    assert [p["id"] for p in got][: len(expected)] == expected
    positions = [p["position"] for p in receiver.acknowledged()]
    assert positions == sorted(positions), "a redelivery only ever repeats the event in flight"
