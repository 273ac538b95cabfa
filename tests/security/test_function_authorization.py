"""Broken function-level authorisation (OWASP API5): only an admin creates shows.

Already proven in tests/e2e/test_booking_api.py: POST /shows as a customer is a
403 and without a token a 401.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, show_body, sign_up
from ..e2e.test_auth import claims, signed, unsigned
from .conftest import log_head

WRONG_KEY = "not-the-server-key-" + "z" * 40


def tampered(token: str, **changes: Any) -> str:
    """The token with its payload edited and the original signature kept."""
    header, _, signature = token.split(".")
    payload = jwt.decode(token, options={"verify_signature": False})
    edited = jwt.encode({**payload, **changes}, "any-key-" + "k" * 40, algorithm="HS256")
    return f"{header}.{edited.split('.')[1]}.{signature}"


@pytest.fixture
async def customer(client: TestClient) -> Actor:
    return await sign_up(client)


async def create_show(client: TestClient, authorization: str) -> Any:
    return await client.post("/shows", json=show_body(), headers={"Authorization": authorization})


async def test_an_admin_role_claim_signed_with_a_wrong_key_is_a_401_and_creates_nothing(
    client: TestClient, customer: Actor
) -> None:
    before = await log_head(client)
    forged = signed(claims(sub=customer.user_id, role="admin"), key=WRONG_KEY)
    response = await create_show(client, f"Bearer {forged}")
    assert response.status == 401
    assert await log_head(client) == before


async def test_a_customer_token_edited_to_say_admin_is_a_401_and_creates_nothing(
    client: TestClient, customer: Actor
) -> None:
    before = await log_head(client)
    token = customer.headers["Authorization"].removeprefix("Bearer ")
    response = await create_show(client, f"Bearer {tampered(token, role='admin')}")
    assert response.status == 401
    assert await log_head(client) == before


async def test_an_unsigned_admin_token_is_a_401_and_creates_nothing(
    client: TestClient, customer: Actor
) -> None:
    before = await log_head(client)
    response = await create_show(
        client, "Bearer " + unsigned(claims(sub=customer.user_id, role="admin"))
    )
    assert response.status == 401
    assert await log_head(client) == before


async def test_a_customer_refused_a_show_leaves_the_log_untouched(
    client: TestClient, customer: Actor
) -> None:
    before = await log_head(client)
    response = await client.post("/shows", json=show_body(), headers=customer.headers)
    assert response.status == 403
    assert await log_head(client) == before


async def test_the_admin_check_comes_before_the_body_is_read(
    client: TestClient, customer: Actor
) -> None:
    response = await client.post("/shows", json={"junk": True}, headers=customer.headers)
    assert response.status == 403


async def test_an_expired_admin_token_is_a_401(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    past = int(time.time()) - 7200
    expired = signed(claims(sub=admin.user_id, role="admin", iat=past, exp=past + 60))
    assert (await create_show(client, f"Bearer {expired}")).status == 401
