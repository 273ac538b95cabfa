"""What the schemathesis run found, pinned as plain examples so they never come back."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.http.app import create_app
from boxoffice.settings import Settings

from ..e2e.actors import show_body, sign_up

BEFORE_YEAR_ONE = "0001-01-01T00:00:00+01:00"


async def test_a_show_with_two_categories_of_one_code_is_a_422(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    category = show_body()["categories"][0]
    body = show_body(categories=[category, {**category, "name": "Circle"}])
    response = await client.post("/shows", json=body, headers=admin.headers)
    assert response.status == 422
    assert [e["field"] for e in (await response.json())["errors"]] == ["categories"]


async def test_a_start_before_year_one_in_utc_is_a_422(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    body = show_body(starts_at=BEFORE_YEAR_ONE)
    response = await client.post("/shows", json=body, headers=admin.headers)
    assert response.status == 422


async def test_searching_from_before_year_one_in_utc_is_a_422(client: TestClient) -> None:
    response = await client.get("/booking/tickets", params={"from": BEFORE_YEAR_ONE})
    assert response.status == 422


async def test_a_fractional_quantity_is_a_422(client: TestClient) -> None:
    buyer = await sign_up(client)
    response = await client.post(
        "/booking/tickets/book",
        data='{"show_id": "s1", "category": "A", "quantity": 1.5}',
        headers={**buyer.headers, "Content-Type": "application/json"},
    )
    assert response.status == 422


async def test_the_document_states_the_configured_most_tickets_per_booking(
    aiohttp_client: Any, settings: Settings, mongo_uri: str, database: Any
) -> None:
    app = create_app(settings.model_copy(update={"max_quantity": 3}), mongo_uri)
    document = await (await (await aiohttp_client(app)).get("/openapi.json")).json()
    quantity = document["components"]["schemas"]["BookIn"]["properties"]["quantity"]
    assert quantity["maximum"] == 3
