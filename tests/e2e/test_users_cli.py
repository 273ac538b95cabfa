"""`boxoffice users grant-admin` against the test store, as an operator runs it."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import jwt
from aiohttp.test_utils import TestClient
from click.testing import CliRunner, Result

from boxoffice.cli import main
from boxoffice.settings import Settings

from .conftest import TEST_SECRET

PASSWORD = "correct horse battery"


async def grant_admin(settings: Settings, mongo_uri: str, email: str) -> Result:
    """In a thread: the CLI runs its own event loop, as it does in a terminal."""
    env = {"MONGODB_URI": mongo_uri, "BOXOFFICE_DB_NAME": settings.db_name}
    args = ["--data-dir", str(Path(settings.data_dir)), "users", "grant-admin", email]
    return await asyncio.to_thread(CliRunner().invoke, main, args, env=env)


async def role_at_login(client: TestClient, email: str) -> str:
    response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    token = (await response.json())["access_token"]
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"], audience="boxoffice-api")
    return str(claims["role"])


async def test_grant_admin_makes_the_next_login_an_admin(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})

    result = await grant_admin(settings, mongo_uri, email.upper())

    assert result.exit_code == 0, result.output
    assert result.output == f"{email} is now an admin\n"
    assert await role_at_login(client, email) == "admin"


async def test_granting_an_admin_again_changes_nothing(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    await grant_admin(settings, mongo_uri, email)

    result = await grant_admin(settings, mongo_uri, email)

    assert (result.exit_code, result.output) == (0, f"{email} is already an admin\n")


async def test_grant_admin_of_an_unknown_email_fails_with_one_line(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    result = await grant_admin(settings, mongo_uri, "nobody@example.com")

    assert result.exit_code != 0
    assert result.output == "Error: no user with e-mail nobody@example.com\n"
