"""Mass assignment (OWASP API3): a body sets only the fields its route declares.

Already proven in tests/e2e/test_problems.py: ``role``, ``user_id`` and
``password_hash`` on registration are 422s naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, new_show, show_body, sign_up
from .conftest import log_head

PASSWORD = "correct horse battery"


async def refused(
    client: TestClient, path: str, body: dict[str, Any], actor: Actor | None
) -> list[str]:
    headers = actor.headers if actor else {}
    before = await log_head(client)
    response = await client.post(path, json=body, headers=headers)
    assert response.status == 422, await response.text()
    assert await log_head(client) == before, "a refused request stored something"
    return [e["field"] for e in (await response.json())["errors"]]


@pytest.mark.parametrize("extra", [{"role": "admin"}, {"user_id": "u-chosen"}, {"is_admin": True}])
async def test_registering_with_a_privileged_field_stores_no_account(
    client: TestClient, extra: dict[str, Any]
) -> None:
    body = {"email": "mallory@example.com", "password": PASSWORD, **extra}
    assert await refused(client, "/auth/register", body, None) == list(extra)
    login = await client.post("/auth/login", json={"email": body["email"], "password": PASSWORD})
    assert login.status == 401


async def test_logging_in_with_a_role_field_is_a_422(client: TestClient) -> None:
    customer = await sign_up(client)
    body = {"email": customer.email, "password": PASSWORD, "role": "admin"}
    response = await client.post("/auth/login", json=body)
    assert response.status == 422


@pytest.mark.parametrize(
    "extra",
    [{"user_id": "victim"}, {"status": "confirmed"}, {"booking_id": "b-chosen"}, {"price": "0.00"}],
)
async def test_booking_with_a_field_the_server_decides_stores_nothing(
    client: TestClient, extra: dict[str, Any]
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    body = {"show_id": await new_show(client, admin), "category": "A", "quantity": 1, **extra}
    assert await refused(client, "/booking/tickets/book", body, buyer) == list(extra)


@pytest.mark.parametrize("extra", [{"show_id": "chosen"}, {"created_by": "victim"}])
async def test_creating_a_show_with_a_field_the_server_decides_stores_nothing(
    client: TestClient, extra: dict[str, Any]
) -> None:
    admin = await sign_up(client, admin=True)
    assert await refused(client, "/shows", show_body(**extra), admin) == list(extra)


async def test_a_category_cannot_set_its_own_availability(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    category = {**show_body()["categories"][0], "available": 10**6}
    fields = await refused(client, "/shows", show_body(categories=[category]), admin)
    assert fields == ["categories.0.available"]


@pytest.mark.parametrize("extra", [{"status": "cancelled"}, {"user_id": "victim"}])
async def test_cancelling_with_an_extra_field_is_a_422(
    client: TestClient, extra: dict[str, Any]
) -> None:
    buyer = await sign_up(client)
    body = {"booking_id": "b1", **extra}
    assert await refused(client, "/booking/tickets/cancel", body, buyer) == list(extra)
