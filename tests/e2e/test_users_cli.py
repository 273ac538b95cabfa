"""`boxoffice users` (grant-admin, revoke-admin, list) against the test store, as an operator runs it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
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


def boxoffice(settings: Settings, mongo_uri: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as its own process, as an operator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOXOFFICE_", "MONGODB"))}
    env |= {"MONGODB_URI": mongo_uri, "BOXOFFICE_DB_NAME": settings.db_name}
    return subprocess.run(
        [sys.executable, "-m", "boxoffice", "--data-dir", str(settings.data_dir), *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def listed(settings: Settings, mongo_uri: str) -> dict[str, str]:
    """``boxoffice users list`` as e-mail -> role."""
    result = await asyncio.to_thread(boxoffice, settings, mongo_uri, "users", "list")
    assert result.returncode == 0, result.stderr
    return {u["email"]: u["role"] for u in map(json.loads, result.stdout.splitlines())}


async def eventually_listed(settings: Settings, mongo_uri: str, email: str, role: str) -> None:
    """The users read model follows the log: wait until the listing shows the role."""
    for _ in range(50):
        if (await listed(settings, mongo_uri)).get(email) == role:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{email} never listed as {role}")


async def test_revoke_admin_takes_the_role_away_and_the_listing_shows_it(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    await grant_admin(settings, mongo_uri, email)
    await eventually_listed(settings, mongo_uri, email, "admin")

    result = await asyncio.to_thread(boxoffice, settings, mongo_uri, "users", "revoke-admin", email)

    assert (result.returncode, result.stdout) == (0, f"{email} is no longer an admin\n")
    assert await role_at_login(client, email) == "customer"
    await eventually_listed(settings, mongo_uri, email, "customer")


async def test_revoking_an_admin_role_the_user_does_not_have_changes_nothing(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})

    result = await asyncio.to_thread(boxoffice, settings, mongo_uri, "users", "revoke-admin", email)

    assert (result.returncode, result.stdout) == (0, f"{email} is not an admin\n")


async def test_revoke_admin_of_an_unknown_email_fails_with_one_line(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    result = await asyncio.to_thread(
        boxoffice, settings, mongo_uri, "users", "revoke-admin", "nobody@example.com"
    )

    assert result.returncode != 0
    assert result.stderr == "Error: no user with e-mail nobody@example.com\n"


async def test_users_list_shows_every_user_in_registration_order_without_hashes(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    emails = [f"{n}-{uuid.uuid4().hex[:8]}@example.com" for n in range(3)]
    for email in emails:
        await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    await eventually_listed(settings, mongo_uri, emails[-1], "customer")

    result = await asyncio.to_thread(boxoffice, settings, mongo_uri, "users", "list")

    users = [json.loads(line) for line in result.stdout.splitlines()]
    assert [u["email"] for u in users] == emails
    assert set(users[0]) == {"user_id", "email", "name", "role", "registered_at"}


async def users_command(settings: Settings, mongo_uri: str, *args: str) -> Result:
    """``boxoffice users ...`` in a thread, as ``grant_admin`` runs it."""
    env = {"MONGODB_URI": mongo_uri, "BOXOFFICE_DB_NAME": settings.db_name}
    argv = ["--data-dir", str(Path(settings.data_dir)), "users", *args]
    return await asyncio.to_thread(CliRunner().invoke, main, argv, env=env)


async def test_grant_scanner_lets_the_next_login_scan_and_revoke_scanner_takes_it_back(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})

    granted = await users_command(settings, mongo_uri, "grant-scanner", email)
    role_granted = await role_at_login(client, email)
    revoked = await users_command(settings, mongo_uri, "revoke-scanner", email)

    assert (granted.exit_code, granted.output) == (0, f"{email} is now a scanner\n")
    assert role_granted == "scanner"
    assert (revoked.exit_code, revoked.output) == (0, f"{email} is no longer a scanner\n")
    assert await role_at_login(client, email) == "customer"
