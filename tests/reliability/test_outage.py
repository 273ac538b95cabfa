"""The store goes away under a running app: 503 with Retry-After, never a hang; back without restart.

The app runs in-process on an embedded store this test owns, so the test can
freeze it (SIGSTOP: connections stay open and nothing answers, the nastier
case) or kill it and start it again on the same port and data directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from boxoffice.embedded import EmbeddedStore
from boxoffice.http.app import create_app
from boxoffice.settings import Settings
from tests.e2e.actors import Actor, new_show, sign_up
from tests.e2e.conftest import TEST_SECRET

pytestmark = pytest.mark.slow
OUTAGE_BOUND_SECONDS = 10.0  # a bound on hanging, not a performance target
RECOVERY_BOUND_SECONDS = 20.0


@pytest.fixture
def store(tmp_path: Path) -> AsyncIterator[EmbeddedStore]:
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
async def client(aiohttp_client, tmp_path: Path, store: EmbeddedStore) -> TestClient:  # type: ignore[no-untyped-def]
    settings = Settings(
        env="test",
        data_dir=tmp_path / "data",
        db_name="outage",
        jwt_secret=SecretStr(TEST_SECRET),
        bcrypt_rounds=4,
        login_rate="10000/minute",
        register_rate="10000/minute",
        booking_rate="10000/minute",
    )
    return await aiohttp_client(create_app(settings, store.uri))


async def timed(
    request: Awaitable[tuple[int, dict[str, str]]],
) -> tuple[int, dict[str, str], float]:
    started = time.monotonic()
    status, headers = await asyncio.wait_for(request, OUTAGE_BOUND_SECONDS)
    return status, headers, time.monotonic() - started


def booking(
    client: TestClient, buyer: Actor, show_id: str, key: str | None = None
) -> Callable[[], Awaitable[tuple[int, dict[str, str]]]]:
    async def send() -> tuple[int, dict[str, str]]:
        headers = dict(buyer.headers) | ({"Idempotency-Key": key} if key else {})
        body = {"show_id": show_id, "category": "A", "quantity": 1}
        response = await client.post("/booking/tickets/book", json=body, headers=headers)
        await response.read()
        return response.status, dict(response.headers)

    return send


async def ready_status(client: TestClient) -> tuple[int, dict[str, str]]:
    response = await client.get("/ready")
    await response.read()
    return response.status, dict(response.headers)


async def until_status(
    send: Callable[[], Awaitable[tuple[int, dict[str, str]]]], wanted: int, within: float
) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        status, _ = await asyncio.wait_for(send(), OUTAGE_BOUND_SECONDS)
        if status == wanted:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {wanted} within {within}s")


@pytest.mark.parametrize("outage", ["frozen", "killed"])
async def test_booking_answers_503_during_an_outage_and_resumes_without_a_restart(
    client: TestClient, store: EmbeddedStore, outage: str
) -> None:
    admin = await sign_up(client, admin=True)
    buyer = await sign_up(client)
    show_id, other_show = [await new_show(client, admin, capacity=100) for _ in range(2)]
    assert (await booking(client, buyer, show_id, "before")())[0] == 201
    assert (await booking(client, buyer, other_show)())[0] == 201

    assert store.pid is not None
    outage_began = time.monotonic()
    # One request per inventory, so each is alone in its batch: in flight, not queued behind.
    in_flight = [
        asyncio.ensure_future(timed(booking(client, buyer, show_id)())),
        asyncio.ensure_future(timed(booking(client, buyer, other_show, "in-flight")())),
    ]
    await asyncio.sleep(0.02)
    os.kill(store.pid, signal.SIGSTOP if outage == "frozen" else signal.SIGKILL)

    answers = await asyncio.gather(*in_flight)
    for answer in answers:
        status, headers, _ = answer
        assert status in (201, 202, 503), answer  # caught mid-write: 202, never a 503
        assert status != 503 or headers.get("Retry-After"), answer
        assert status != 202 or headers.get("Location"), answer

    seconds_to_503 = await until_status(booking(client, buyer, show_id), 503, OUTAGE_BOUND_SECONDS)
    for key in (None, f"during-{uuid.uuid4().hex}"):
        status, headers, _ = await timed(booking(client, buyer, show_id, key)())
        assert (status, headers.get("Retry-After") is not None) == (503, True), (key, status)
    assert (await timed(ready_status(client)))[0] == 503

    store_back = time.monotonic()
    if outage == "frozen":
        os.kill(store.pid, signal.SIGCONT)
    else:
        store.stop()
        store.start()  # same port, same data directory
    seconds_to_recover = await until_status(
        booking(client, buyer, show_id, "after"), 201, RECOVERY_BOUND_SECONDS
    )
    assert (await ready_status(client))[0] == 200
    print(
        f"{outage}: in flight {[(a[0], round(a[2], 1)) for a in answers]}; 503 after {seconds_to_503:.1f}s, booking again {seconds_to_recover:.1f}s after the store came back; outage {store_back - outage_began:.1f}s"
    )
