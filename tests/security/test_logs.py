"""Structured logs: one JSON access line per request, tied to X-Request-ID, and no secrets.

Logs are captured through the product's own ``configure_logging``, writing to a
buffer instead of stderr.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import bcrypt
import pytest
import structlog
from aiohttp import web
from aiohttp.test_utils import TestClient

from boxoffice.http.app import create_app
from boxoffice.http.request_log import HEADER
from boxoffice.http.users import RegisterIn
from boxoffice.logs import configure_logging
from boxoffice.settings import Settings

from ..e2e.actors import sign_up

PASSWORD = "s3cret-Passw0rd-for-the-logs"
JSON = {"Content-Type": "application/json"}
Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    """Every line logged during the test, parsed; configuration restored afterwards."""
    root, aiohttp_access = logging.getLogger(), logging.getLogger("aiohttp.access")
    handlers, level, access_level = root.handlers[:], root.level, aiohttp_access.level
    buffer = io.StringIO()
    configure_logging(stream=buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.handlers[:], root.level = handlers, level
    aiohttp_access.setLevel(access_level)
    structlog.reset_defaults()


def raw(lines: Lines) -> str:
    return json.dumps(lines())


def access(lines: Lines) -> list[dict[str, Any]]:
    return [line for line in lines() if line.get("event") == "request"]


async def crash_with_secrets(request: web.Request) -> web.Response:
    """A bug that lets secrets into an exception: a hash, a token, an unchecked model error."""
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    token = request.headers.get("Authorization", "")
    if request.query.get("via") == "model":
        RegisterIn.model_validate({"email": "x@example.com", "password": PASSWORD * 5})
    raise RuntimeError(f"user doc {{'password_hash': '{hashed}'}} while handling {token}")


@pytest.fixture
async def crashing(
    aiohttp_client: Any, settings: Settings, mongo_uri: str, database: Any
) -> TestClient:
    app = create_app(settings, mongo_uri)
    app.router.add_get("/_test/crash", crash_with_secrets)
    return await aiohttp_client(app)


async def test_every_request_logs_one_json_line_with_the_id_it_returns(
    client: TestClient, log_lines: Lines
) -> None:
    responses = [
        await client.get("/health"),
        await client.get("/no/such/route"),
        await client.post("/auth/login", json={"email": "a@example.com", "password": "x"}),
        await client.post("/auth/login", data=b"{", headers=JSON),
        await client.delete("/shows/x"),
    ]
    returned = [r.headers[HEADER] for r in responses]
    assert [line["request_id"] for line in log_lines()] == returned
    assert [line["status"] for line in access(log_lines)] == [r.status for r in responses]
    assert len(set(returned)) == len(returned)


async def test_an_access_line_names_method_path_status_and_duration(
    client: TestClient, log_lines: Lines
) -> None:
    await client.get("/booking/tickets", params={"q": "hamlet"})
    (line,) = access(log_lines)
    assert (line["method"], line["path"], line["status"], line["level"]) == (
        "GET",
        "/booking/tickets",
        200,
        "info",
    )
    assert line["ms"] >= 0 and line["timestamp"].endswith("Z")


async def test_a_well_formed_caller_request_id_is_kept_and_logged(
    client: TestClient, log_lines: Lines
) -> None:
    response = await client.get("/health", headers={HEADER: "trace-0123456789"})
    assert response.headers[HEADER] == "trace-0123456789"
    assert access(log_lines)[0]["request_id"] == "trace-0123456789"


@pytest.mark.parametrize(
    "offered",
    ['x", "status": 200, "forged": "1', "short", "a" * 65, "id with spaces ok?", "ünïcode-id-123"],
)
async def test_an_unsafe_caller_request_id_is_replaced_not_logged(
    client: TestClient, log_lines: Lines, offered: str
) -> None:
    response = await client.get("/health", headers={HEADER: offered})
    (line,) = access(log_lines)
    assert response.headers[HEADER] == line["request_id"] != offered
    assert offered not in raw(log_lines)


async def test_an_error_logged_during_a_request_carries_its_request_id(
    crashing: TestClient, log_lines: Lines
) -> None:
    response = await crashing.get("/_test/crash")
    request_id = response.headers[HEADER]
    errors = [line for line in log_lines() if line["level"] == "error"]
    assert response.status == 500
    assert errors and all(line["request_id"] == request_id for line in errors)
    assert "RuntimeError" in errors[0]["exception"]


async def test_register_and_login_log_no_password_or_token(
    client: TestClient, log_lines: Lines
) -> None:
    email = "ada@example.com"
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    token = (await login.json())["access_token"]
    await client.get("/booking/tickets/status", headers={"Authorization": f"Bearer {token}"})
    text = raw(log_lines)
    assert len(access(log_lines)) == 3
    assert PASSWORD not in text and token not in text and "$2b$" not in text


@pytest.mark.parametrize(
    "attempt",
    [
        {"json": {"email": "ada@example.com", "password": PASSWORD}},
        {"json": {"email": "not-an-email", "password": PASSWORD * 40}},
        {"json": {"email": "ada@example.com", "password": [PASSWORD]}},
        {"data": f'{{"email": "ada@example.com", "password": "{PASSWORD}"', "headers": JSON},
        {"data": f"email=ada@example.com&password={PASSWORD}"},
        {"params": {"email": "ada@example.com", "password": PASSWORD}},
    ],
    ids=[
        "wrong password",
        "invalid fields",
        "wrong type",
        "malformed JSON",
        "form body",
        "query string",
    ],
)
async def test_a_failed_login_logs_no_password(
    client: TestClient, log_lines: Lines, attempt: dict[str, Any]
) -> None:
    response = await client.post("/auth/login", **attempt)
    assert 400 <= response.status < 500
    assert len(access(log_lines)) == 1
    assert PASSWORD not in raw(log_lines)


async def test_a_password_in_a_query_string_of_any_route_is_not_logged(
    client: TestClient, log_lines: Lines
) -> None:
    await client.get("/booking/tickets", params={"password": PASSWORD})
    await client.get("/health", params={"password": PASSWORD})
    assert PASSWORD not in raw(log_lines)


async def test_a_500_logs_no_hash_token_or_password_from_the_exception(
    crashing: TestClient, log_lines: Lines
) -> None:
    customer = await sign_up(crashing)
    token = customer.headers["Authorization"].removeprefix("Bearer ")
    await crashing.get("/_test/crash", headers=customer.headers)
    await crashing.get("/_test/crash", params={"via": "model"}, headers=customer.headers)
    text = raw(log_lines)
    assert [line["status"] for line in access(log_lines)][-2:] == [500, 500]
    assert "$2b$" not in text and token not in text and PASSWORD not in text
    assert text.count("Traceback") == 2
