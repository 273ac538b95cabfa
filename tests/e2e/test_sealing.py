"""The server seals the log as it runs: the export file and the audit agree with it."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient
from click.testing import CliRunner
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli import main
from boxoffice.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"seal_interval_seconds": 0.1})


async def test_a_running_server_seals_its_registrations_and_the_audit_verifies_them(
    client: TestClient, settings: Settings, mongo_uri: str, database: AsyncDatabase[dict]
) -> None:
    for name in ("ada", "bob"):
        body = {"email": f"{name}@example.com", "password": "correct horse battery"}
        assert (await client.post("/auth/register", json=body)).status == 201
    async with asyncio.timeout(10):
        while await database.seals.count_documents({"_id": {"$gte": 2}}) == 0:  # noqa: ASYNC110 - the server's background task
            await asyncio.sleep(0.05)
    export = settings.seal_export_path()
    assert [json.loads(line)["position"] for line in export.read_text().splitlines()][-1] == 2
    env = {"MONGODB_URI": mongo_uri, "BOXOFFICE_DB_NAME": settings.db_name}
    result = await asyncio.to_thread(
        CliRunner().invoke,
        main,
        ["--data-dir", str(settings.data_dir), "audit", "--checkpoints", str(export)],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stdout
    assert "the log is sealed up to position 2" in result.stdout
