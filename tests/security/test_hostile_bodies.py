"""Hostile bodies stay cheap to refuse and get a short, clear problem."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, new_show, sign_up
from .conftest import log_head

JSON = {"Content-Type": "application/json"}
LOGIN = {"email": "ada@example.com", "password": "correct horse battery"}


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    assert response.content_type == "application/problem+json"
    return await response.json()  # type: ignore[no-any-return]


async def test_a_megabyte_of_unknown_keys_gets_a_short_answer_fast(client: TestClient) -> None:
    body = json.dumps({**LOGIN, **{f"k{n:05d}": 1 for n in range(75_000)}}).encode()
    started = time.perf_counter()
    response = await client.post("/auth/login", data=body, headers=JSON)
    elapsed = time.perf_counter() - started
    await problem(response, 413)
    assert len(await response.read()) < 1000
    assert elapsed < 0.3


async def test_a_few_hundred_unknown_keys_list_twenty_errors_and_count_the_rest(
    client: TestClient,
) -> None:
    body = {f"k{n:03d}": 1 for n in range(500)}
    response = await client.post("/auth/login", json=body)
    refused = await problem(response, 422)
    assert len(refused["errors"]) == 20
    assert "482 more are not listed" in refused["detail"]


async def test_an_unknown_key_a_megabyte_long_is_not_echoed_whole(client: TestClient) -> None:
    response = await client.post("/auth/login", json={**LOGIN, "k" * 500_000: 1})
    refused = await problem(response, 422)
    assert len(await response.read()) < 1000
    assert [e["field"] for e in refused["errors"]] == ["k" * 100 + "…"]


async def test_a_body_nested_forty_levels_deep_is_a_400(client: TestClient) -> None:
    body = b'{"email": ' + b"[" * 40 + b"]" * 40 + b', "password": "x"}'
    await problem(await client.post("/auth/login", data=body, headers=JSON), 400)


async def test_an_invalid_gzip_body_is_a_400(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {**JSON, "Content-Encoding": "gzip"}
    response = await client.post("/auth/login", data=b"not gzip at all", headers=headers)
    await problem(response, 400)
    assert "Traceback" not in caplog.text


async def test_after_an_invalid_gzip_body_the_next_request_is_served(client: TestClient) -> None:
    headers = {**JSON, "Content-Encoding": "gzip"}
    await client.post("/auth/login", data=b"not gzip at all", headers=headers)
    assert (await client.post("/auth/login", json=LOGIN)).status == 401


async def test_a_key_given_twice_is_a_422_naming_it(client: TestClient) -> None:
    body = b'{"email": "ada@example.com", "password": "x", "email": "eve@example.com"}'
    refused = await problem(await client.post("/auth/login", data=body, headers=JSON), 422)
    assert refused["errors"] == [{"field": "email", "message": "is given more than once"}]


async def test_a_key_given_twice_in_a_nested_object_creates_nothing(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    before = await log_head(client)
    category = '{"code": "A", "name": "Stalls", "price": "5", "currency": "EUR", "capacity": 1, "capacity": 9}'
    body = f'{{"title": "T", "venue": "V", "starts_at": "2027-03-01T19:30:00Z", "categories": [{category}]}}'
    response = await client.post("/shows", data=body, headers={**JSON, **admin.headers})
    await problem(response, 422)
    assert await log_head(client) == before


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "iso-8859-1"])
async def test_a_body_declared_in_another_charset_is_a_415(
    client: TestClient, charset: str
) -> None:
    headers = {"Content-Type": f"application/json; charset={charset}"}
    response = await client.post("/auth/login", data=json.dumps(LOGIN).encode(), headers=headers)
    await problem(response, 415)


async def test_a_body_declared_utf8_in_any_case_is_read(client: TestClient) -> None:
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    response = await client.post("/auth/login", data=json.dumps(LOGIN).encode(), headers=headers)
    assert response.status == 401


async def test_a_quantity_written_as_1_point_0_is_a_422_and_books_nothing(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    before = await log_head(client)
    body = f'{{"show_id": "{show_id}", "category": "A", "quantity": 1.0}}'
    response = await client.post(
        "/booking/tickets/book", data=body, headers={**JSON, **buyer.headers}
    )
    refused = await problem(response, 422)
    assert [e["field"] for e in refused["errors"]] == ["quantity"]
    assert await log_head(client) == before


async def test_a_capacity_written_with_an_exponent_is_a_422(client: TestClient) -> None:
    admin: Actor = await sign_up(client, admin=True)
    category = '{"code": "A", "name": "Stalls", "price": "5", "currency": "EUR", "capacity": 1e2}'
    body = f'{{"title": "T", "venue": "V", "starts_at": "2027-03-01T19:30:00Z", "categories": [{category}]}}'
    response = await client.post("/shows", data=body, headers={**JSON, **admin.headers})
    refused = await problem(response, 422)
    assert [e["field"] for e in refused["errors"]] == ["categories.0.capacity"]
