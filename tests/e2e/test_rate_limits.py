"""Login and registration limits hold under a burst and key on the real client address.

Logins: every attempt counts against a generous ceiling per address; failures
count per account at an address and per address, so a crowd behind one address
logs in while guessing is throttled.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.http.app import create_app
from boxoffice.settings import Settings

PASSWORD = "correct horse battery"


DEFAULT_LOGIN_LIMITS = {
    name: Settings.model_fields[name].default
    for name in ("login_rate", "login_failures_per_account", "login_failures_per_address")
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"login_rate": "5/minute", "register_rate": "3/minute"})


@pytest.fixture
async def by_default(aiohttp_client, settings: Settings, mongo_uri: str, database) -> TestClient:  # type: ignore[no-untyped-def]
    """The default login limits, behind a trusted proxy on the loopback; registration is free."""
    defaults = {
        **DEFAULT_LOGIN_LIMITS,
        "register_rate": "10000/minute",
        "trusted_proxies": ("127.0.0.0/8",),
    }
    return await aiohttp_client(create_app(settings.model_copy(update=defaults), mongo_uri))


@pytest.fixture
async def behind_proxy(aiohttp_client, settings: Settings, mongo_uri: str, database) -> TestClient:  # type: ignore[no-untyped-def]
    """The app behind a trusted proxy on the loopback address, which the test client uses."""
    trusting = settings.model_copy(update={"trusted_proxies": ("127.0.0.0/8",)})
    return await aiohttp_client(create_app(trusting, mongo_uri))


def new_email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


async def register(client: TestClient, email: str, forwarded_for: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    body = {"email": email, "password": PASSWORD}
    return await client.post("/auth/register", json=body, headers=headers)


async def login(
    client: TestClient, email: str, forwarded_for: str | None = None, password: str = PASSWORD
) -> Any:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    body = {"email": email, "password": password}
    return await client.post("/auth/login", json=body, headers=headers)


async def test_sixty_logins_from_one_address_in_a_minute_all_pass(by_default: TestClient) -> None:
    emails = [new_email() for _ in range(60)]
    for email in emails:
        await register(by_default, email)

    statuses = [(await login(by_default, email, "198.51.100.1")).status for email in emails]

    assert statuses == [200] * 60


async def test_the_eleventh_wrong_password_for_an_account_is_throttled(
    by_default: TestClient,
) -> None:
    email = new_email()
    await register(by_default, email)

    responses = [await login(by_default, email, "198.51.100.1", "wrong") for _ in range(11)]

    assert [r.status for r in responses] == [401] * 10 + [429]
    assert responses[-1].content_type == "application/problem+json"
    assert 0 < int(responses[-1].headers["Retry-After"]) <= 60


async def test_the_owner_logs_in_from_elsewhere_while_a_guesser_is_throttled(
    by_default: TestClient,
) -> None:
    email = new_email()
    await register(by_default, email)
    for _ in range(11):
        await login(by_default, email, "198.51.100.1", "wrong")

    assert (await login(by_default, email, "203.0.113.9")).status == 200


async def test_a_throttled_guesser_may_not_try_even_the_right_password(
    by_default: TestClient,
) -> None:
    email = new_email()
    await register(by_default, email)
    for _ in range(10):
        await login(by_default, email, "198.51.100.1", "wrong")

    assert (await login(by_default, email, "198.51.100.1")).status == 429


async def test_a_burst_of_thirty_wrong_passwords_has_ten_tried(by_default: TestClient) -> None:
    email = new_email()
    await register(by_default, email)

    responses = await asyncio.gather(
        *(login(by_default, email, "198.51.100.1", "wrong") for _ in range(30))
    )

    assert sorted(r.status for r in responses) == [401] * 10 + [429] * 20


async def test_wrong_passwords_for_many_accounts_from_one_address_are_throttled(
    aiohttp_client, settings: Settings, mongo_uri: str, database
) -> None:  # type: ignore[no-untyped-def]
    limits = {"login_rate": "100/hour", "login_failures_per_address": "5/hour"}
    client = await aiohttp_client(create_app(settings.model_copy(update=limits), mongo_uri))
    statuses = [(await login(client, new_email())).status for _ in range(6)]
    assert statuses == [401] * 5 + [429]


async def test_a_burst_of_thirty_logins_from_one_address_lets_its_ceiling_through(
    client: TestClient,
) -> None:
    email = new_email()
    await register(client, email)

    responses = await asyncio.gather(*(login(client, email) for _ in range(30)))

    assert sorted(r.status for r in responses) == [200] * 5 + [429] * 25


async def test_a_refused_login_says_when_to_retry(client: TestClient) -> None:
    for _ in range(5):
        await login(client, new_email())

    response = await login(client, new_email())

    assert response.status == 429
    assert response.content_type == "application/problem+json"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["RateLimit-Limit"] == "5"
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Reset"] == response.headers["Retry-After"]


async def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(
    client: TestClient,
) -> None:
    statuses = [(await register(client, new_email(), f"203.0.113.{n}")).status for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(
    behind_proxy: TestClient,
) -> None:
    statuses = [
        (await register(behind_proxy, new_email(), f"203.0.113.{n}")).status for n in range(5)
    ]
    assert statuses == [201] * 5


async def test_behind_a_trusted_proxy_a_spoofed_left_entry_is_ignored(
    behind_proxy: TestClient,
) -> None:
    statuses = [
        (await register(behind_proxy, new_email(), f"10.9.9.{n}, 198.51.100.7")).status
        for n in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
