"""Control characters (NUL, terminal escapes, bidi overrides) never enter the log."""

from __future__ import annotations

import uuid

import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, show_body, sign_up
from .conftest import log_head

CONTROLS = {"NUL": "\x00", "escape": "\x1b[2J", "bidi override": "\u202e", "newline": "\n"}


async def refused_fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status == 422, await response.text()
    return [e["field"] for e in (await response.json())["errors"]]


@pytest.fixture
async def admin(client: TestClient) -> Actor:
    return await sign_up(client, admin=True)


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
async def test_a_control_character_in_a_name_is_refused(client: TestClient, control: str) -> None:
    body = {"email": f"{uuid.uuid4().hex}@example.com", "password": "correct horse battery"}
    response = await client.post("/auth/register", json={**body, "name": f"Ada{control}"})
    assert await refused_fields(response) == ["name"]


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize("path", ["/auth/register", "/auth/login"])
async def test_a_control_character_in_an_email_is_refused(
    client: TestClient, path: str, control: str
) -> None:
    body = {"email": f"ada{control}@example.com", "password": "correct horse battery"}
    assert await refused_fields(await client.post(path, json=body)) == ["email"]


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize("field", ["title", "venue"])
async def test_a_control_character_in_a_show_field_is_refused_and_stores_nothing(
    client: TestClient, admin: Actor, field: str, control: str
) -> None:
    before = await log_head(client)
    body = show_body(**{field: f"Hamlet{control}"})
    response = await client.post("/shows", json=body, headers=admin.headers)
    assert await refused_fields(response) == [field]
    assert await log_head(client) == before


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize("field", ["name", "code"])
async def test_a_control_character_in_a_category_field_is_refused(
    client: TestClient, admin: Actor, field: str, control: str
) -> None:
    category = {**show_body()["categories"][0], field: f"A{control}"}
    response = await client.post(
        "/shows", json=show_body(categories=[category]), headers=admin.headers
    )
    assert await refused_fields(response) == [f"categories.0.{field}"]
