"""Registration, login and bearer tokens through HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from boxoffice.commands.users import grant_admin
from boxoffice.http import keys
from boxoffice.http.app import create_app
from boxoffice.http.auth import authenticated, require_admin
from boxoffice.settings import Settings

from .conftest import TEST_SECRET

PASSWORD = "correct horse battery"


def new_email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


async def register(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/auth/register", json={"email": email, "password": password})


async def login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def whoami(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    return web.json_response({"user_id": principal.user_id, "role": principal.role})


async def admin_only(request: web.Request) -> web.Response:
    require_admin(await authenticated(request))
    return web.json_response({"ok": True})


@pytest.fixture
async def guarded(aiohttp_client, settings: Settings, mongo_uri: str, database) -> TestClient:  # type: ignore[no-untyped-def]
    """The app plus two routes guarded the way other handlers guard theirs."""
    app = create_app(settings, mongo_uri)
    app.router.add_get("/_test/whoami", whoami)
    app.router.add_get("/_test/admin", admin_only)
    return await aiohttp_client(app)


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "u1",
        "role": "customer",
        "iat": now,
        "exp": now + 600,
        "iss": "boxoffice",
        "aud": "boxoffice-api",
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def signed(payload: dict[str, Any], key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


async def test_register_then_login_gives_a_bearer_token_for_that_user(client: TestClient) -> None:
    email = new_email()
    registered = await register(client, email)
    assert registered.status == 201
    user_id = (await registered.json())["user_id"]

    response = await login(client, email)

    assert response.status == 200
    body = await response.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    token = jwt.decode(
        body["access_token"], TEST_SECRET, algorithms=["HS256"], audience="boxoffice-api"
    )
    assert (token["sub"], token["role"], token["iss"]) == (user_id, "customer", "boxoffice")


async def test_registration_answers_the_normalised_email(client: TestClient) -> None:
    response = await register(client, "  Ada.Lovelace@Example.COM ")
    assert (response.status, (await response.json())["email"]) == (
        201,
        "ada.lovelace@example.com",
    )


async def test_login_accepts_the_email_in_any_case(client: TestClient) -> None:
    await register(client, "grace@example.com")
    assert (await login(client, "GRACE@example.com")).status == 200


async def test_registering_an_email_again_in_another_case_is_a_conflict(client: TestClient) -> None:
    await register(client, "linus@example.com")
    response = await register(client, "LINUS@Example.com", "another password")
    assert response.status == 409
    assert response.content_type == "application/problem+json"


async def test_twenty_concurrent_registrations_of_one_email_create_exactly_one_account(
    client: TestClient,
) -> None:
    email = new_email()
    responses = await asyncio.gather(*(register(client, email) for _ in range(20)))
    assert sorted(r.status for r in responses) == [201] + [409] * 19


@pytest.mark.parametrize("password", ["x" * 73, "é" * 37], ids=["73-ascii", "74-bytes-37-chars"])
async def test_a_password_over_72_bytes_is_refused_at_registration(
    client: TestClient, password: str
) -> None:
    response = await register(client, new_email(), password)
    assert response.status == 422
    assert [e["field"] for e in (await response.json())["errors"]] == ["password"]


async def test_a_password_over_72_bytes_fails_login_with_401(client: TestClient) -> None:
    email = new_email()
    await register(client, email, "x" * 72)
    assert (await login(client, email, "x" * 72)).status == 200
    assert (await login(client, email, "x" * 73)).status == 401


async def test_a_short_password_is_refused(client: TestClient) -> None:
    assert (await register(client, new_email(), "short")).status == 422


@pytest.mark.parametrize("email", ["no-at-sign", "a@localhost", "two@@example.com", ""])
async def test_an_invalid_email_is_refused(client: TestClient, email: str) -> None:
    response = await register(client, email)
    assert response.status == 422
    assert [e["field"] for e in (await response.json())["errors"]] == ["email"]


async def test_unknown_email_and_wrong_password_get_the_same_401(client: TestClient) -> None:
    email = new_email()
    await register(client, email)

    unknown = await login(client, new_email())
    wrong = await login(client, email, "not the password")

    assert unknown.status == wrong.status == 401
    assert await unknown.json() == await wrong.json()
    assert unknown.headers["WWW-Authenticate"] == wrong.headers["WWW-Authenticate"]


async def test_a_valid_token_identifies_the_caller(guarded: TestClient) -> None:
    email = new_email()
    user_id = (await (await register(guarded, email)).json())["user_id"]
    token = (await (await login(guarded, email)).json())["access_token"]

    response = await guarded.get("/_test/whoami", headers={"Authorization": f"Bearer {token}"})

    assert await response.json() == {"user_id": user_id, "role": "customer"}


ATTACKS = {
    "no header": None,
    "basic scheme": "Basic dXNlcjpwYXNz",
    "empty bearer": "Bearer ",
    "garbage": "Bearer not.a.jwt",
    "alg none": "Bearer " + unsigned(claims()),
    "alg none as admin": "Bearer " + unsigned(claims(role="admin")),
    "wrong key": "Bearer " + signed(claims(), key="another-secret-" + "y" * 40),
    "other hmac alg": "Bearer " + signed(claims(), algorithm="HS384"),
    "missing exp": "Bearer " + signed(claims(exp=None)),
    "missing iat": "Bearer " + signed(claims(iat=None)),
    "missing sub": "Bearer " + signed(claims(sub=None)),
    "missing role": "Bearer " + signed(claims(role=None)),
    "unknown role": "Bearer " + signed(claims(role="root")),
    "expired": "Bearer " + signed(claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 60)),
    "wrong audience": "Bearer " + signed(claims(aud="another-api")),
    "missing audience": "Bearer " + signed(claims(aud=None)),
    "wrong issuer": "Bearer " + signed(claims(iss="someone-else")),
    "missing issuer": "Bearer " + signed(claims(iss=None)),
    "issued tomorrow": "Bearer "
    + signed(claims(iat=int(time.time()) + 86400, exp=int(time.time()) + 90000)),
}


@pytest.mark.parametrize("authorization", ATTACKS.values(), ids=ATTACKS.keys())
async def test_a_bad_token_is_refused_with_401_and_a_bearer_challenge(
    guarded: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await guarded.get("/_test/whoami", headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.content_type == "application/problem+json"


async def test_a_token_issued_a_few_seconds_in_the_future_is_accepted(
    guarded: TestClient,
) -> None:
    token = signed(claims(iat=int(time.time()) + 3))
    response = await guarded.get("/_test/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200


async def test_a_customer_is_forbidden_an_admin_route(guarded: TestClient) -> None:
    token = signed(claims())
    response = await guarded.get("/_test/admin", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 403


async def test_a_granted_admin_logs_in_with_the_admin_role(guarded: TestClient) -> None:
    email = new_email()
    await register(guarded, email)
    await grant_admin(guarded.app[keys.EVENT_STORE], email)
    token = (await (await login(guarded, email)).json())["access_token"]

    response = await guarded.get("/_test/admin", headers={"Authorization": f"Bearer {token}"})

    assert response.status == 200
