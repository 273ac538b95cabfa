from __future__ import annotations

from aiohttp.test_utils import TestClient


async def test_health_answers_ok(client: TestClient) -> None:
    response = await client.get("/health")
    assert response.status == 200


async def test_ready_answers_ok_when_the_store_is_up(client: TestClient) -> None:
    response = await client.get("/ready")
    assert (response.status, (await response.json())["status"]) == (200, "ready")
