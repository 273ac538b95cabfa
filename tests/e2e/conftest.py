"""An in-process app over real TCP, on the session's store, in a fresh database per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from boxoffice.http.app import create_app
from boxoffice.settings import Settings

TEST_SECRET = "test-secret-" + "x" * 40


@pytest.fixture
def settings(tmp_path: Path, db_name: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        db_name=db_name,
        jwt_secret=SecretStr(TEST_SECRET),
        bcrypt_rounds=4,
        login_rate="10000/minute",
        login_failures_per_account="10000/minute",
        login_failures_per_address="10000/minute",
        register_rate="10000/minute",
        booking_rate="10000/minute",
    )


@pytest.fixture
async def client(aiohttp_client, settings: Settings, mongo_uri: str, database) -> TestClient:  # type: ignore[no-untyped-def]
    """``database`` is requested so the test database is dropped afterwards."""
    return await aiohttp_client(create_app(settings, mongo_uri))
