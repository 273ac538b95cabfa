"""Projections seen from outside: /metrics, /ready, and the rebuild command."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp.test_utils import TestClient
from click.testing import CliRunner
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli import main
from boxoffice.eventstore import NO_STREAM, MongoEventStore, NewEvent
from boxoffice.http import keys
from tests.projection_history import History, random_history

Document = dict[str, Any]


def gauge(text: str, name: str, projection: str) -> float:
    found = re.search(rf'^{name}{{projection="{projection}"}} (\S+)$', text, re.MULTILINE)
    assert found, f"{name} for {projection} missing from:\n{text}"
    return float(found.group(1))


async def test_metrics_expose_each_projections_position_and_lag(client: TestClient) -> None:
    store = client.app[keys.EVENT_STORE]
    runner = client.app[keys.PROJECTIONS]
    history = History(store)
    await history.add_users(2)
    await history.add_show()
    assert await runner.wait_for(await store.head_position(), 10)

    response = await client.get("/metrics")
    text = await response.text()

    assert response.status == 200
    assert response.content_type == "text/plain"
    for projection in ("offers", "bookings", "users"):
        assert gauge(text, "boxoffice_projection_position", projection) == history.events
        assert gauge(text, "boxoffice_projection_lag_events", projection) == 0
        assert gauge(text, "boxoffice_projection_lag_seconds", projection) == 0


async def test_ready_is_unavailable_once_a_projection_has_died(client: TestClient) -> None:
    store = client.app[keys.EVENT_STORE]
    runner = client.app[keys.PROJECTIONS]
    assert (await client.get("/ready")).status == 200

    # A ShowCreated missing its fields cannot be projected: every task that reads it stops.
    await store.append("show-broken", [NewEvent("ShowCreated", {"show_id": "broken"})], NO_STREAM)
    for _ in range(100):
        if runner.stopped_projections():
            break
        await asyncio.sleep(0.05)
    response = await client.get("/ready")

    assert runner.stopped_projections() == ["offers", "shows", "sales"]
    assert response.status == 503
    assert "offers" in (await response.json())["detail"]


async def test_the_rebuild_command_prints_one_summary_line(
    database: AsyncDatabase[Document], mongo_uri: str, db_name: str, tmp_path: Any
) -> None:
    history = await random_history(MongoEventStore(database), at_least=300)
    env = {
        "MONGODB_URI": mongo_uri,
        "BOXOFFICE_DB_NAME": db_name,
        "BOXOFFICE_DATA_DIR": str(tmp_path),
    }

    result = await asyncio.to_thread(CliRunner().invoke, main, ["rebuild"], env=env)

    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"rebuilt offers, bookings, orders, users, tickets, shows, sales: {history.events} events in \d+\.\d s "
        r"\(\d+ events/s\)\n",
        result.output,
    )
