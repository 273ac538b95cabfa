"""People using the API in tests: a customer or an admin with a token, shows to book."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.commands.users import grant_admin, grant_scanner
from boxoffice.http import keys


@dataclass(frozen=True)
class Actor:
    user_id: str
    email: str
    headers: dict[str, str]


async def sign_up(client: TestClient, *, admin: bool = False, scanner: bool = False) -> Actor:
    """Register and log in through HTTP; an admin or a scanner is granted the role the way
    the CLI does it."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    password = "correct horse battery"
    registered = await client.post("/auth/register", json={"email": email, "password": password})
    assert registered.status == 201, await registered.text()
    user_id = (await registered.json())["user_id"]
    if admin:
        await grant_admin(client.app[keys.EVENT_STORE], email)
    if scanner:
        await grant_scanner(client.app[keys.EVENT_STORE], email)
    login = await client.post("/auth/login", json={"email": email, "password": password})
    assert login.status == 200, await login.text()
    token = (await login.json())["access_token"]
    return Actor(user_id, email, {"Authorization": f"Bearer {token}"})


def show_body(
    capacity: int = 10, per_user_limit: int | None = None, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Hamlet",
        "venue": "The Globe",
        "starts_at": "2027-03-01T19:30:00Z",
        "categories": [
            {
                "code": "A",
                "name": "Stalls",
                "price": "55.00",
                "currency": "EUR",
                "capacity": capacity,
            }
        ],
    }
    if per_user_limit is not None:
        body["per_user_limit"] = per_user_limit
    return {**body, **overrides}


async def new_show(client: TestClient, admin: Actor, **kwargs: Any) -> str:
    response = await client.post("/shows", json=show_body(**kwargs), headers=admin.headers)
    assert response.status == 201, await response.text()
    return str((await response.json())["show_id"])


async def book(
    client: TestClient,
    actor: Actor,
    show_id: str,
    quantity: int = 1,
    key: str | None = None,
    category: str = "A",
) -> tuple[int, dict[str, Any]]:
    headers = dict(actor.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    response = await client.post(
        "/booking/tickets/book",
        json={"show_id": show_id, "category": category, "quantity": quantity},
        headers=headers,
    )
    return response.status, await response.json()


async def tickets(client: TestClient, actor: Actor, booking_id: str) -> list[dict[str, Any]]:
    """The booking's tickets: reading them issues any the ticket issuer has not issued yet, so
    afterwards no ticket of the booking is still to be appended."""
    response = await client.get(f"/booking/tickets/{booking_id}/tickets", headers=actor.headers)
    assert response.status == 200, await response.text()
    return list((await response.json())["items"])
