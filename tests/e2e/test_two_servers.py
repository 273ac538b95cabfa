"""Two `boxoffice serve` processes on one store, buyers split between them: no oversell."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.users import grant_admin
from boxoffice.domain.streams import inventory_stream
from boxoffice.embedded import free_port
from boxoffice.eventstore import MongoEventStore

from .conftest import TEST_SECRET
from .test_cli_serve import wait_for_health

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


@pytest.fixture
def two_servers(
    tmp_path: Path, mongo_uri: str, db_name: str, database: AsyncDatabase[dict]
) -> Iterator[list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXOFFICE_")}
    env.update(
        MONGODB_URI=mongo_uri,
        BOXOFFICE_DB_NAME=db_name,
        BOXOFFICE_ENV="test",
        BOXOFFICE_JWT_SECRET=TEST_SECRET,
        BOXOFFICE_BCRYPT_ROUNDS="4",
        BOXOFFICE_REGISTER_RATE="10000/minute",
        BOXOFFICE_LOGIN_RATE="10000/minute",
        BOXOFFICE_BOOKING_RATE="10000/minute",
    )
    ports = [free_port(), free_port()]
    servers = []
    for i, port in enumerate(ports):
        with (tmp_path / f"server{i}.log").open("w") as log:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "boxoffice", "serve", "--port", str(port)],
                    cwd=tmp_path,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        for port in ports:
            wait_for_health(port, within=15)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=15)


async def token_for(session: aiohttp.ClientSession, base: str, email: str) -> dict[str, str]:
    async with session.post(
        f"{base}/auth/register", json={"email": email, "password": PASSWORD}
    ) as r:
        assert r.status == 201, await r.text()
    async with session.post(f"{base}/auth/login", json={"email": email, "password": PASSWORD}) as r:
        return {"Authorization": f"Bearer {(await r.json())['access_token']}"}


async def test_buyers_split_across_two_servers_never_oversell(
    two_servers: list[str], database: AsyncDatabase[dict]
) -> None:
    store = MongoEventStore(database)
    async with aiohttp.ClientSession() as session:
        admin_email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
        await token_for(session, two_servers[0], admin_email)
        await grant_admin(store, admin_email)
        async with session.post(
            f"{two_servers[0]}/auth/login", json={"email": admin_email, "password": PASSWORD}
        ) as r:
            admin = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
        show = {
            "title": "Race", "venue": "Hall", "starts_at": "2027-05-01T20:00:00Z",
            "categories": [{"code": "A", "name": "Floor", "price": "10", "currency": "EUR", "capacity": 30}],
        }  # fmt: skip
        async with session.post(f"{two_servers[1]}/shows", json=show, headers=admin) as r:
            show_id = (await r.json())["show_id"]
        buyers = [
            await token_for(session, two_servers[i % 2], f"b{i}-{uuid.uuid4().hex[:6]}@example.com")
            for i in range(10)
        ]

        async def buy(i: int) -> int:
            base = two_servers[i % 2]
            body = {"show_id": show_id, "category": "A", "quantity": 1}
            async with session.post(
                f"{base}/booking/tickets/book", json=body, headers=buyers[i % 10]
            ) as r:
                return r.status

        statuses = await asyncio.gather(*(buy(i) for i in range(100)))

    events = await store.read_stream(inventory_stream(show_id))
    confirmed_in_log = sum(e.data["quantity"] for e in events if e.type == "BookingConfirmed")
    assert statuses.count(201) == confirmed_in_log == 30
    assert statuses.count(409) == 70
