"""The store goes away under a running server: 503 with Retry-After, never a hang; back without
a restart.

`boxoffice serve` runs on an embedded store this test owns, so the test can
freeze it (SIGSTOP: connections stay open and nothing answers, the nastier
case) or kill it and start it again on the same port and data directory.  The
server is a process of its own: an outage leaves driver tasks cancelled
mid-server-selection, and those belong to the server, never to the test's
event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest
from pymongo import AsyncMongoClient

from boxoffice.commands.users import grant_admin
from boxoffice.embedded import EmbeddedStore
from boxoffice.eventstore import MongoEventStore

from .conftest import Buyer, Sale, Server, server_env

pytestmark = pytest.mark.slow
OUTAGE_BOUND_SECONDS = 10.0  # a bound on hanging, not a performance target
RECOVERY_BOUND_SECONDS = 20.0
DB_NAME = "outage"
Send = Callable[[], Awaitable[tuple[int, dict[str, str]]]]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    embedded = EmbeddedStore(tmp_path / "store")
    embedded.start()
    try:
        yield embedded
    finally:
        if embedded.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(embedded.pid, signal.SIGCONT)
        embedded.stop()


@pytest.fixture
def server(tmp_path: Path, servers: list[Server], store: EmbeddedStore) -> Server:
    env = server_env(tmp_path / "data", MONGODB_URI=store.uri, BOXOFFICE_DB_NAME=DB_NAME)
    started = Server(tmp_path, env)
    servers.append(started)
    started.start()
    return started


async def admin_and_buyer(sale: Sale, store: EmbeddedStore) -> tuple[Buyer, Buyer]:
    admin, buyer = await sale.sign_up(), await sale.sign_up()
    client: AsyncMongoClient[dict] = AsyncMongoClient(store.uri, tz_aware=True)
    try:
        await grant_admin(MongoEventStore(client[DB_NAME]), admin.email)
    finally:
        await client.close()
    return await sale.log_in(admin), buyer


async def new_show(sale: Sale, admin: Buyer) -> str:
    show = {
        "title": "Outage", "venue": "Hall", "starts_at": "2027-06-01T20:00:00Z",
        "categories": [{"code": "A", "name": "A", "price": "10", "currency": "EUR", "capacity": 100}],
    }  # fmt: skip
    async with sale.session.post(f"{sale.base}/shows", json=show, headers=admin.headers) as r:
        assert r.status == 201, await r.text()
        return str((await r.json())["show_id"])


async def timed(
    request: Awaitable[tuple[int, dict[str, str]]],
) -> tuple[int, dict[str, str], float]:
    started = time.monotonic()
    status, headers = await asyncio.wait_for(request, OUTAGE_BOUND_SECONDS)
    return status, headers, time.monotonic() - started


def booking(sale: Sale, buyer: Buyer, show_id: str, key: str | None = None) -> Send:
    async def send() -> tuple[int, dict[str, str]]:
        headers = dict(buyer.headers) | ({"Idempotency-Key": key} if key else {})
        body = {"show_id": show_id, "category": "A", "quantity": 1}
        url = f"{sale.base}/booking/tickets/book"
        async with sale.session.post(url, json=body, headers=headers) as response:
            await response.read()
            return response.status, dict(response.headers)

    return send


async def ready_status(sale: Sale) -> tuple[int, dict[str, str]]:
    async with sale.session.get(f"{sale.base}/ready") as response:
        await response.read()
        return response.status, dict(response.headers)


async def until_status(send: Send, wanted: int, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        status, _ = await asyncio.wait_for(send(), OUTAGE_BOUND_SECONDS)
        if status == wanted:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {wanted} within {within}s")


@pytest.mark.parametrize("outage", ["frozen", "killed"])
async def test_booking_answers_503_during_an_outage_and_resumes_without_a_restart(
    server: Server, store: EmbeddedStore, outage: str
) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        sale = Sale(session, server.base)
        await outage_and_recovery(sale, store, outage)


async def outage_and_recovery(sale: Sale, store: EmbeddedStore, outage: str) -> None:
    admin, buyer = await admin_and_buyer(sale, store)
    show_id, other_show = [await new_show(sale, admin) for _ in range(2)]
    assert (await booking(sale, buyer, show_id, "before")())[0] == 201
    assert (await booking(sale, buyer, other_show)())[0] == 201

    assert store.pid is not None
    outage_began = time.monotonic()
    # One request per inventory, so each is alone in its batch: in flight, not queued behind.
    in_flight = [
        asyncio.ensure_future(timed(booking(sale, buyer, show_id)())),
        asyncio.ensure_future(timed(booking(sale, buyer, other_show, "in-flight")())),
    ]
    await asyncio.sleep(0.02)
    os.kill(store.pid, signal.SIGSTOP if outage == "frozen" else signal.SIGKILL)

    answers = await asyncio.gather(*in_flight)
    for answer in answers:
        status, headers, _ = answer
        assert status in (201, 202, 503), answer  # caught mid-write: 202, never a 503
        assert status != 503 or headers.get("Retry-After"), answer
        assert status != 202 or headers.get("Location"), answer

    seconds_to_503 = await until_status(booking(sale, buyer, show_id), 503, OUTAGE_BOUND_SECONDS)
    for key in (None, f"during-{uuid.uuid4().hex}"):
        status, headers, _ = await timed(booking(sale, buyer, show_id, key)())
        assert (status, headers.get("Retry-After") is not None) == (503, True), (key, status)
    assert (await timed(ready_status(sale)))[0] == 503

    store_back = time.monotonic()
    if outage == "frozen":
        os.kill(store.pid, signal.SIGCONT)
    else:
        store.stop()
        store.start()  # same port, same data directory
    seconds_to_recover = await until_status(
        booking(sale, buyer, show_id, "after"), 201, RECOVERY_BOUND_SECONDS
    )
    assert (await ready_status(sale))[0] == 200
    print(
        f"{outage}: in flight {[(a[0], round(a[2], 1)) for a in answers]}; 503 after {seconds_to_503:.1f}s, booking again {seconds_to_recover:.1f}s after the store came back; outage {store_back - outage_began:.1f}s"
    )
