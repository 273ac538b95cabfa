"""Operator injection (NoSQL): no client value ever reaches a query as an operator.

Every field of every body and every query parameter is sent an operator object,
an array and a ``$where``; each is a 422 naming the field, and nothing is stored.
Query strings are text, so there the injections are bracketed names
(``show_id[$ne]=``), repeated names (arrays) and regex metacharacters.
Already proven in tests/e2e/test_problems.py for the register and login fields.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, book, new_show, show_body, sign_up
from .conftest import log_head

OPERATORS: list[Any] = [
    {"$gt": ""},
    {"$ne": None},
    {"$where": "sleep(1000) || true"},
    {"$regex": ".*"},
    ["a", "b"],
]
PASSWORD = "correct horse battery"
CATEGORY = show_body()["categories"][0]
BODIES: dict[str, dict[str, Any]] = {
    "/auth/register": {"email": "eve@example.com", "password": PASSWORD, "name": "Eve"},
    "/auth/login": {"email": "eve@example.com", "password": PASSWORD},
    "/shows": show_body(per_user_limit=2),
    "/booking/tickets/book": {"show_id": "s1", "category": "A", "quantity": 1},
    "/booking/tickets/cancel": {"booking_id": "b1"},
}
FIELDS = [
    *((path, (field,)) for path, body in BODIES.items() for field in body if field != "categories"),
    *(("/shows", ("categories", 0, field)) for field in CATEGORY),
]


def with_value(body: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    if len(where) == 1:
        return {**body, where[0]: value}
    head, index, *rest = where
    items = list(body[head])
    items[index] = with_value(items[index], tuple(rest), value)
    return {**body, head: items}


@pytest.fixture
async def admin(client: TestClient) -> Actor:
    return await sign_up(client, admin=True)


@pytest.mark.parametrize(
    ("path", "where"), FIELDS, ids=[f"{p} {'.'.join(map(str, w))}" for p, w in FIELDS]
)
async def test_an_operator_in_any_body_field_is_a_422_naming_it_and_stores_nothing(
    client: TestClient, admin: Actor, path: str, where: tuple[Any, ...]
) -> None:
    field = ".".join(map(str, where))
    for value in OPERATORS:
        before = await log_head(client)
        body = with_value(BODIES[path], where, value)
        response = await client.post(path, json=body, headers=admin.headers)
        assert response.status == 422, (value, await response.text())
        assert [e["field"] for e in (await response.json())["errors"]] == [field], value
        assert await log_head(client) == before


async def test_an_operator_as_a_whole_body_field_name_is_a_422(client: TestClient) -> None:
    response = await client.post("/auth/login", json={"$where": "1", "email": {"$gt": ""}})
    assert response.status == 422


SEARCH = ["show_id", "q", "from", "to", "available_only", "limit", "cursor"]


@pytest.mark.parametrize("name", SEARCH)
async def test_a_bracketed_operator_on_a_search_parameter_is_a_422(
    client: TestClient, name: str
) -> None:
    response = await client.get("/booking/tickets", params={f"{name}[$ne]": "x"})
    assert response.status == 422
    assert [e["field"] for e in (await response.json())["errors"]] == [f"{name}[$ne]"]


@pytest.mark.parametrize("name", SEARCH)
async def test_a_repeated_search_parameter_is_a_422(client: TestClient, name: str) -> None:
    response = await client.get("/booking/tickets", params=[(name, "a"), (name, "b")])
    assert response.status == 422


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("show_id", '{"$gt": ""}'),
        ("show_id", "$where"),
        ("from", '{"$gt": ""}'),
        ("limit", '{"$gt": 0}'),
    ],
)
async def test_an_operator_written_into_a_search_value_is_a_422(
    client: TestClient, name: str, value: str
) -> None:
    response = await client.get("/booking/tickets", params={name: value})
    assert response.status == 422


@pytest.mark.parametrize("q", [".*", "^", '{"$gt": ""}', "$where", "a|b|"])
async def test_search_text_matches_literally_never_as_a_pattern(
    client: TestClient, admin: Actor, q: str
) -> None:
    await new_show(client, admin)
    response = await client.get("/booking/tickets", params={"q": q})
    assert (response.status, (await response.json())["items"]) == (200, [])


@pytest.mark.parametrize(
    "query",
    [
        [("booking_id[$ne]", "x")],
        [("booking_id", "a"), ("booking_id", "b")],
        [("booking_id", '{"$ne": null}')],
    ],
    ids=["bracketed", "repeated", "operator text"],
)
async def test_an_injected_status_query_is_a_422_and_reveals_no_booking(
    client: TestClient, admin: Actor, query: list[tuple[str, str]]
) -> None:
    owner, intruder = await sign_up(client), await sign_up(client)
    await book(client, owner, await new_show(client, admin))
    response = await client.get("/booking/tickets/status", params=query, headers=intruder.headers)
    assert response.status == 422


@pytest.mark.parametrize("show_id", ['{"$ne": null}', "$where", "[$ne]"])
async def test_an_operator_in_the_show_path_finds_nothing(
    client: TestClient, admin: Actor, show_id: str
) -> None:
    await new_show(client, admin)
    assert (await client.get(f"/shows/{show_id}")).status == 404
