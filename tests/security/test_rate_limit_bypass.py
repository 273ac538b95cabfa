"""Rate-limit bypass: no header a client writes buys more attempts, and bursts cannot overshoot.

Already proven in tests/e2e/test_rate_limits.py: a burst of 30 logins lets
exactly the limit through; rotating X-Forwarded-For does not escape the
registration limit; behind a trusted proxy a spoofed left entry is ignored; a
concurrent burst of wrong passwords has only the limit tried.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.http.app import create_app
from boxoffice.settings import Settings

from ..e2e.actors import book, new_show, sign_up

PASSWORD = "correct horse battery"
SPOOFING_HEADERS = [
    {"X-Forwarded-For": "203.0.113.{n}"},
    {"X-Real-IP": "203.0.113.{n}"},
    {"Forwarded": "for=203.0.113.{n}"},
    {"True-Client-IP": "203.0.113.{n}"},
    {"X-Client-IP": "203.0.113.{n}"},
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "login_rate": "5/minute",
            "login_failures_per_account": "5/minute",
            "register_rate": "5/minute",
            "booking_rate": "5/minute",
        }
    )


@pytest.fixture
async def behind_proxy(
    aiohttp_client: Any, settings: Settings, mongo_uri: str, database: Any
) -> TestClient:
    """The app behind a trusted proxy on the loopback address; five failures per account."""
    trusting = settings.model_copy(
        update={
            "trusted_proxies": ("127.0.0.0/8",),
            "login_rate": "10000/minute",
            "register_rate": "10000/minute",
        }
    )
    return await aiohttp_client(create_app(trusting, mongo_uri))


def new_email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


async def login(
    client: TestClient,
    email: str,
    headers: dict[str, str] | None = None,
    password: str = PASSWORD,
) -> int:
    body = {"email": email, "password": password}
    return (await client.post("/auth/login", json=body, headers=headers or {})).status


@pytest.mark.parametrize(
    "template", SPOOFING_HEADERS, ids=[next(iter(h)) for h in SPOOFING_HEADERS]
)
async def test_rotating_a_client_address_header_does_not_escape_the_login_limit(
    client: TestClient, template: dict[str, str]
) -> None:
    ((name, value),) = template.items()
    statuses = [await login(client, new_email(), {name: value.format(n=n)}) for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def test_the_same_account_spelled_differently_shares_one_failure_count(
    behind_proxy: TestClient,
) -> None:
    email = new_email()
    await behind_proxy.post("/auth/register", json={"email": email, "password": PASSWORD})
    spellings = [email.upper(), email.title(), f" {email} ", full_width(email), email, email]
    statuses = [
        await login(behind_proxy, spelling, {"X-Forwarded-For": "198.51.100.7"}, "wrong")
        for spelling in spellings
    ]
    assert statuses == [401] * 5 + [429]


async def test_a_concurrent_burst_of_bookings_lets_exactly_the_limit_through(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=100)
    outcomes = await asyncio.gather(*(book(client, buyer, show_id) for _ in range(25)))
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert sorted(status for status, _ in outcomes) == [201] * 5 + [429] * 20
    assert show["categories"][0]["available"] == 95


async def test_a_concurrent_burst_of_registrations_creates_exactly_the_limit(
    client: TestClient,
) -> None:
    bodies = [{"email": new_email(), "password": PASSWORD} for _ in range(20)]
    responses = await asyncio.gather(*(client.post("/auth/register", json=body) for body in bodies))
    assert sorted(r.status for r in responses) == [201] * 5 + [429] * 15


async def test_a_booking_refused_for_the_rate_is_not_booked_by_retrying_with_a_new_key(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=100)
    statuses = [(await book(client, buyer, show_id, key=f"k{n}"))[0] for n in range(7)]
    assert statuses == [201] * 5 + [429] * 2


async def test_a_booking_limit_is_per_user_not_per_token(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=100)
    fresh = await client.post("/auth/login", json={"email": buyer.email, "password": PASSWORD})
    second = {"Authorization": f"Bearer {(await fresh.json())['access_token']}"}
    statuses = []
    for n in range(6):
        headers = buyer.headers if n % 2 else second
        body = {"show_id": show_id, "category": "A", "quantity": 1}
        statuses.append(
            (await client.post("/booking/tickets/book", json=body, headers=headers)).status
        )
    assert statuses == [201] * 5 + [429]
