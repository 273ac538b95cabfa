"""Unbounded resource consumption (OWASP API4): every size a client controls has a bound.

Already proven in tests/e2e: a 2 MiB body without a length is a 413
(test_problems), a quantity of 11 is a 422 (test_booking_api); a megabyte of keys
is a short 413 (tests/security/test_hostile_bodies).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.projections.cursors import encode_cursor

from ..e2e.actors import Actor, new_show, show_body, sign_up
from .conftest import log_head

MiB = 1024 * 1024


async def field_errors(response: Any) -> list[str]:
    assert response.status == 422, await response.text()
    return [e["field"] for e in (await response.json())["errors"]]


@pytest.fixture
async def admin(client: TestClient) -> Actor:
    return await sign_up(client, admin=True)


@pytest.fixture
async def buyer(client: TestClient) -> Actor:
    return await sign_up(client)


async def test_a_search_limit_of_1000_is_a_422(client: TestClient) -> None:
    response = await client.get("/booking/tickets", params={"limit": "1000"})
    assert await field_errors(response) == ["limit"]


@pytest.mark.parametrize("path", ["/shows", "/booking/tickets/book", "/auth/register"])
async def test_a_two_mebibyte_body_is_a_413_on_every_body_route(
    client: TestClient, admin: Actor, path: str
) -> None:
    body = io.BytesIO(b'{"title": "' + b"a" * (2 * MiB) + b'"}')
    headers = {**admin.headers, "Content-Type": "application/json"}
    response = await client.post(path, data=body, headers=headers)
    assert response.status == 413


async def test_a_quantity_of_a_billion_is_a_422_and_books_nothing(
    client: TestClient, admin: Actor, buyer: Actor
) -> None:
    show_id = await new_show(client, admin)
    before = await log_head(client)
    body = {"show_id": show_id, "category": "A", "quantity": 10**9}
    response = await client.post("/booking/tickets/book", json=body, headers=buyer.headers)
    assert await field_errors(response) == ["quantity"]
    assert await log_head(client) == before


async def test_a_quantity_beyond_64_bits_is_a_422(client: TestClient, buyer: Actor) -> None:
    body = {"show_id": "s1", "category": "A", "quantity": 10**30}
    response = await client.post("/booking/tickets/book", json=body, headers=buyer.headers)
    assert await field_errors(response) == ["quantity"]


async def test_fifty_one_categories_are_a_422_and_create_nothing(
    client: TestClient, admin: Actor
) -> None:
    category = show_body()["categories"][0]
    categories = [{**category, "code": f"C{n}"} for n in range(51)]
    before = await log_head(client)
    response = await client.post(
        "/shows", json=show_body(categories=categories), headers=admin.headers
    )
    assert await field_errors(response) == ["categories"]
    assert await log_head(client) == before


async def test_a_capacity_of_a_billion_is_a_422(client: TestClient, admin: Actor) -> None:
    category = {**show_body()["categories"][0], "capacity": 10**9}
    response = await client.post(
        "/shows", json=show_body(categories=[category]), headers=admin.headers
    )
    assert await field_errors(response) == ["categories.0.capacity"]


LONG = "x" * 100_000


@pytest.mark.parametrize("field", ["title", "venue", "starts_at"])
async def test_a_very_long_show_field_is_a_422(
    client: TestClient, admin: Actor, field: str
) -> None:
    response = await client.post("/shows", json=show_body(**{field: LONG}), headers=admin.headers)
    assert await field_errors(response) == [field]


@pytest.mark.parametrize("field", ["code", "name", "price", "currency"])
async def test_a_very_long_category_field_is_a_422(
    client: TestClient, admin: Actor, field: str
) -> None:
    category = {**show_body()["categories"][0], field: LONG}
    response = await client.post(
        "/shows", json=show_body(categories=[category]), headers=admin.headers
    )
    assert await field_errors(response) == [f"categories.0.{field}"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/auth/register", "email"),
        ("/auth/register", "password"),
        ("/auth/register", "name"),
        ("/auth/login", "email"),
        ("/auth/login", "password"),
    ],
)
async def test_a_very_long_account_field_is_a_422(
    client: TestClient, path: str, field: str
) -> None:
    body = {"email": "ada@example.com", "password": "correct horse battery", field: LONG}
    assert await field_errors(await client.post(path, json=body)) == [field]


@pytest.mark.parametrize("field", ["show_id", "category"])
async def test_a_very_long_booking_field_is_a_422(
    client: TestClient, buyer: Actor, field: str
) -> None:
    body = {"show_id": "s1", "category": "A", "quantity": 1, field: LONG}
    response = await client.post("/booking/tickets/book", json=body, headers=buyer.headers)
    assert await field_errors(response) == [field]


async def test_a_very_long_booking_id_to_cancel_is_a_422(client: TestClient, buyer: Actor) -> None:
    response = await client.post(
        "/booking/tickets/cancel", json={"booking_id": LONG}, headers=buyer.headers
    )
    assert await field_errors(response) == ["booking_id"]


@pytest.mark.parametrize("name", ["show_id", "q", "from", "to", "cursor"])
async def test_a_very_long_search_parameter_is_a_422(client: TestClient, name: str) -> None:
    response = await client.get("/booking/tickets", params={name: "x" * 4000})
    assert await field_errors(response) == [name]


async def test_a_very_long_booking_id_in_a_status_query_is_a_422(
    client: TestClient, buyer: Actor
) -> None:
    response = await client.get(
        "/booking/tickets/status", params={"booking_id": "x" * 4000}, headers=buyer.headers
    )
    assert await field_errors(response) == ["booking_id"]


async def test_a_very_long_idempotency_key_is_a_422(client: TestClient, buyer: Actor) -> None:
    body = {"show_id": "s1", "category": "A", "quantity": 1}
    headers = {**buyer.headers, "Idempotency-Key": "k" * 1000}
    response = await client.post("/booking/tickets/book", json=body, headers=headers)
    assert response.status == 422


async def test_a_deeply_nested_body_is_a_400(client: TestClient) -> None:
    depth = 100_000
    body = b"[" * depth + b"]" * depth
    response = await client.post(
        "/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_a_deeply_nested_field_value_is_a_4xx(client: TestClient) -> None:
    depth = 50_000
    body = b'{"email": ' + b"[" * depth + b"]" * depth + b', "password": "x"}'
    response = await client.post(
        "/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status in (400, 422)


async def test_a_forged_search_cursor_is_a_422(client: TestClient) -> None:
    response = await client.get("/booking/tickets", params={"cursor": "0" * 400})
    assert await field_errors(response) == ["cursor"]


async def test_a_cursor_carrying_a_number_beyond_64_bits_is_a_422(client: TestClient) -> None:
    response = await client.get("/booking/tickets", params={"cursor": encode_cursor(10**30, "x")})
    assert await field_errors(response) == ["cursor"]
