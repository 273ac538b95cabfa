"""Sessions through HTTP: refresh rotation, reuse detection, logout, roles at refresh, password change."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
from aiohttp.test_utils import TestClient

from boxoffice.commands.users import grant_admin, revoke_admin
from boxoffice.http import keys
from boxoffice.http.app import create_app
from boxoffice.settings import Settings

from .conftest import TEST_SECRET

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


async def logged_in(client: TestClient, password: str = PASSWORD) -> tuple[str, dict[str, Any]]:
    """A new user's e-mail and their login answer."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    registered = await client.post("/auth/register", json={"email": email, "password": password})
    assert registered.status == 201
    login = await client.post("/auth/login", json={"email": email, "password": password})
    assert login.status == 200
    return email, await login.json()


async def refresh(client: TestClient, token: str) -> Any:
    return await client.post("/auth/refresh", json={"refresh_token": token})


def role_in(pair: dict[str, Any]) -> str:
    claims = jwt.decode(
        pair["access_token"], TEST_SECRET, algorithms=["HS256"], audience="boxoffice-api"
    )
    return str(claims["role"])


async def assert_refused(response: Any) -> None:
    assert response.status == 401
    assert response.content_type == "application/problem+json"
    assert (await response.json())["status"] == 401


async def test_login_answers_a_short_lived_access_token_and_a_refresh_token(
    client: TestClient,
) -> None:
    _, pair = await logged_in(client)

    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 3600
    assert pair["refresh_expires_in"] == 30 * 86400
    assert len(pair["refresh_token"]) >= 43  # 32 random bytes, base64url


async def test_the_store_keeps_only_a_digest_of_a_refresh_token(client: TestClient) -> None:
    _, pair = await logged_in(client)
    tokens = client.app[keys.DATABASE]["refresh_tokens"]

    digest = hashlib.sha256(pair["refresh_token"].encode()).hexdigest()

    assert await tokens.find_one({"_id": digest}) is not None
    assert await tokens.count_documents({"_id": pair["refresh_token"]}) == 0


async def test_a_refresh_answers_a_new_pair_and_uses_up_the_refresh_token(
    client: TestClient,
) -> None:
    _, first = await logged_in(client)

    response = await refresh(client, first["refresh_token"])

    assert response.status == 200
    second = await response.json()
    assert second["refresh_token"] != first["refresh_token"]
    me = await client.get(
        "/booking/tickets/status", headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert me.status == 200
    assert (await refresh(client, second["refresh_token"])).status == 200


async def test_reusing_a_used_refresh_token_revokes_its_whole_family(client: TestClient) -> None:
    _, first = await logged_in(client)
    second = await (await refresh(client, first["refresh_token"])).json()

    await assert_refused(await refresh(client, first["refresh_token"]))

    await assert_refused(await refresh(client, second["refresh_token"]))


async def test_reuse_revokes_only_its_own_family(client: TestClient) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    phone, laptop = [
        await (await client.post("/auth/login", json={"email": email, "password": PASSWORD})).json()
        for _ in range(2)
    ]
    await refresh(client, phone["refresh_token"])

    await refresh(client, phone["refresh_token"])

    assert (await refresh(client, laptop["refresh_token"])).status == 200


async def test_of_two_concurrent_refreshes_of_one_token_exactly_one_succeeds(
    client: TestClient,
) -> None:
    _, pair = await logged_in(client)

    answers = await asyncio.gather(*(refresh(client, pair["refresh_token"]) for _ in range(2)))

    assert sorted(a.status for a in answers) == [200, 401]


async def test_a_refresh_that_lost_the_race_counts_as_reuse_and_ends_the_session(
    client: TestClient,
) -> None:
    _, pair = await logged_in(client)
    answers = await asyncio.gather(*(refresh(client, pair["refresh_token"]) for _ in range(2)))
    winner = next(a for a in answers if a.status == 200)

    await assert_refused(await refresh(client, (await winner.json())["refresh_token"]))


async def test_two_servers_on_one_database_let_exactly_one_refresh_of_a_token_succeed(
    client: TestClient, aiohttp_client: Any, settings: Settings, mongo_uri: str
) -> None:
    other = await aiohttp_client(create_app(settings, mongo_uri))
    _, pair = await logged_in(client)

    answers = await asyncio.gather(
        refresh(client, pair["refresh_token"]), refresh(other, pair["refresh_token"])
    )

    assert sorted(a.status for a in answers) == [200, 401]


async def test_an_unknown_refresh_token_is_refused(client: TestClient) -> None:
    await assert_refused(await refresh(client, "not-a-token-this-server-issued"))


async def test_an_expired_refresh_token_is_refused(client: TestClient) -> None:
    _, pair = await logged_in(client)
    tokens = client.app[keys.DATABASE]["refresh_tokens"]
    digest = hashlib.sha256(pair["refresh_token"].encode()).hexdigest()
    issued = await tokens.find_one_and_delete({"_id": digest})
    await tokens.insert_one({**issued, "expires_at": datetime(2020, 1, 1, tzinfo=UTC)})

    await assert_refused(await refresh(client, pair["refresh_token"]))


async def test_logout_revokes_the_refresh_token(client: TestClient) -> None:
    _, pair = await logged_in(client)

    response = await client.post("/auth/logout", json={"refresh_token": pair["refresh_token"]})

    assert response.status == 204
    await assert_refused(await refresh(client, pair["refresh_token"]))


async def test_logout_with_an_unknown_refresh_token_is_refused(client: TestClient) -> None:
    await assert_refused(await client.post("/auth/logout", json={"refresh_token": "nope"}))


async def test_a_granted_and_then_revoked_admin_role_shows_at_the_next_refresh(
    client: TestClient,
) -> None:
    email, pair = await logged_in(client)
    store = client.app[keys.EVENT_STORE]
    assert role_in(pair) == "customer"

    await grant_admin(store, email)
    promoted = await (await refresh(client, pair["refresh_token"])).json()
    await revoke_admin(store, email)
    demoted = await (await refresh(client, promoted["refresh_token"])).json()

    assert (role_in(promoted), role_in(demoted)) == ("admin", "customer")


async def test_a_password_change_ends_every_session_and_the_new_password_logs_in(
    client: TestClient,
) -> None:
    email, phone = await logged_in(client)
    laptop = await (
        await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    ).json()

    response = await client.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {laptop['access_token']}"},
    )

    assert response.status == 200
    fresh = await response.json()
    for ended in (phone, laptop):
        await assert_refused(await refresh(client, ended["refresh_token"]))
    assert (await refresh(client, fresh["refresh_token"])).status == 200
    old = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    new = await client.post("/auth/login", json={"email": email, "password": NEW_PASSWORD})
    assert (old.status, new.status) == (401, 200)


async def test_a_password_change_with_a_wrong_current_password_changes_nothing(
    client: TestClient,
) -> None:
    email, pair = await logged_in(client)

    response = await client.post(
        "/auth/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {pair['access_token']}"},
    )

    assert response.status == 403
    assert response.content_type == "application/problem+json"
    assert (await refresh(client, pair["refresh_token"])).status == 200
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status == 200


async def test_a_password_change_needs_an_access_token(client: TestClient) -> None:
    response = await client.post(
        "/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status == 401
    assert response.content_type == "application/problem+json"
