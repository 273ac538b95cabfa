"""Shared fixtures: one store per test session (embedded, or MONGODB_URI), a fresh database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.embedded import EmbeddedStore
from tests.webhook_receiver import Receiver


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("MONGODB_URI")
    if configured:
        yield configured
        return
    with EmbeddedStore(Path(tmp_path_factory.mktemp("store"))) as store:
        yield store.uri


@pytest.fixture(scope="session")
async def mongo_client(mongo_uri: str) -> AsyncIterator[AsyncMongoClient[dict]]:
    client: AsyncMongoClient[dict] = AsyncMongoClient(mongo_uri, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
def db_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def database(
    mongo_client: AsyncMongoClient[dict], db_name: str
) -> AsyncIterator[AsyncDatabase[dict]]:
    yield mongo_client[db_name]
    await mongo_client.drop_database(db_name)


@pytest.fixture
async def receiver(aiohttp_server) -> Receiver:  # type: ignore[no-untyped-def]
    """A webhook receiver listening on loopback for this test."""
    receiving = Receiver()
    server = await aiohttp_server(receiving.application())
    receiving.url = str(server.make_url("/hook"))
    return receiving
