"""Error bodies never carry internals or secrets: no traceback, driver text, hash, token or password.

Already proven in tests/e2e/test_problems.py: an unexpected exception is a bare
500 and a store outage a 503, neither leaking the exception's text; a rejected
password is not echoed on registration.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.projections.cursors import encode_cursor

from ..e2e.actors import Actor, sign_up
from ..e2e.test_auth import claims, signed

PASSWORD = "correct horse battery"
SECRET_PASSWORD = "s3cret-Passw0rd-that-must-not-show"
LEAKS = ("Traceback", 'File "', "pymongo", "bson", "E11000", "duplicate key", "$2b$", "$2a$")
JSON = {"Content-Type": "application/json"}

Scenario = Callable[[TestClient, Actor], Awaitable[Any]]


async def duplicate_registration(client: TestClient, actor: Actor) -> Any:
    return await client.post(
        "/auth/register", json={"email": actor.email, "password": SECRET_PASSWORD}
    )


async def wrong_password(client: TestClient, actor: Actor) -> Any:
    return await client.post(
        "/auth/login", json={"email": actor.email, "password": SECRET_PASSWORD}
    )


async def overlong_password_login(client: TestClient, actor: Actor) -> Any:
    body = {"email": actor.email, "password": SECRET_PASSWORD * 100}
    return await client.post("/auth/login", json=body)


async def password_in_malformed_json(client: TestClient, actor: Actor) -> Any:
    data = f'{{"email": "{actor.email}", "password": "{SECRET_PASSWORD}"'
    return await client.post("/auth/login", data=data, headers=JSON)


async def password_of_the_wrong_type(client: TestClient, actor: Actor) -> Any:
    body = {"email": actor.email, "password": [SECRET_PASSWORD]}
    return await client.post("/auth/register", json=body)


async def password_in_a_query_string(client: TestClient, actor: Actor) -> Any:
    return await client.get("/booking/tickets", params={"password": SECRET_PASSWORD})


async def forged_token(client: TestClient, actor: Actor) -> Any:
    token = signed(claims(), key="wrong-key-" + "w" * 40)
    return await client.get("/booking/tickets/status", headers={"Authorization": f"Bearer {token}"})


async def valid_token_wrong_route_method(client: TestClient, actor: Actor) -> Any:
    return await client.put("/booking/tickets/book", headers=actor.headers)


async def unknown_route(client: TestClient, actor: Actor) -> Any:
    return await client.get("/admin/../../etc/passwd", headers=actor.headers)


async def operator_injection(client: TestClient, actor: Actor) -> Any:
    body = {"booking_id": {"$where": "sleep(1000)"}}
    return await client.post("/booking/tickets/cancel", json=body, headers=actor.headers)


async def forged_cursor(client: TestClient, actor: Actor) -> Any:
    return await client.get("/booking/tickets", params={"cursor": encode_cursor(2**70, "x")})


async def deep_nesting(client: TestClient, actor: Actor) -> Any:
    return await client.post("/auth/login", data="[" * 100_000 + "]" * 100_000, headers=JSON)


async def invalid_utf8(client: TestClient, actor: Actor) -> Any:
    return await client.post("/auth/login", data=b'{"password": "\xff\xfe"}', headers=JSON)


SCENARIOS: dict[str, Scenario] = {
    "duplicate registration": duplicate_registration,
    "wrong password": wrong_password,
    "overlong password": overlong_password_login,
    "password in malformed JSON": password_in_malformed_json,
    "password of the wrong type": password_of_the_wrong_type,
    "password in a query string": password_in_a_query_string,
    "forged token": forged_token,
    "wrong method": valid_token_wrong_route_method,
    "unknown route": unknown_route,
    "operator injection": operator_injection,
    "forged cursor": forged_cursor,
    "deep nesting": deep_nesting,
    "invalid UTF-8": invalid_utf8,
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
async def test_an_error_body_carries_no_internals_or_secrets(
    client: TestClient, scenario: Scenario
) -> None:
    actor = await sign_up(client)
    response = await scenario(client, actor)
    text = await response.text()
    token = actor.headers["Authorization"].removeprefix("Bearer ")
    assert 400 <= response.status < 500, text
    assert response.content_type == "application/problem+json"
    assert [leak for leak in (*LEAKS, SECRET_PASSWORD, token, "eyJ") if leak in text] == []


async def test_responses_do_not_name_the_server_software_or_its_version(client: TestClient) -> None:
    for path in ("/health", "/nowhere"):
        response = await client.get(path)
        assert response.headers["Server"] == "boxoffice"
