"""Every failure is application/problem+json, and none leaks internals."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pymongo.errors import ServerSelectionTimeoutError

from boxoffice.domain.inventory import BookingNotCancellable
from boxoffice.eventstore import StoreUnavailable
from boxoffice.http.app import create_app
from boxoffice.settings import Settings

PROBLEM = "application/problem+json"
LEAKS = ("Traceback", "pymongo", "$2b$", 'File "')


async def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, await response.text()
    assert response.content_type == PROBLEM
    body = await response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


def failing(exc: Exception):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        raise exc

    return handler


@pytest.fixture
async def failures(aiohttp_client, settings: Settings, mongo_uri: str, database) -> TestClient:  # type: ignore[no-untyped-def]
    """The app plus routes that fail the ways a handler can."""
    app = create_app(settings, mongo_uri)
    secret = "pymongo said: $2b$12$abcdefghijklmnopqrstuv token=eyJhbGciOi"
    app.router.add_get("/_test/crash", failing(RuntimeError(secret)))
    app.router.add_get("/_test/store-down", failing(StoreUnavailable(secret)))
    app.router.add_get("/_test/driver-down", failing(ServerSelectionTimeoutError(secret)))
    app.router.add_get("/_test/not-cancellable", failing(BookingNotCancellable("b1", "rejected")))
    return await aiohttp_client(app)


async def test_malformed_json_is_a_400(client: TestClient) -> None:
    response = await client.post(
        "/auth/login", data=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    await problem(response, 400)


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"1", b"null", b""])
async def test_a_body_that_is_not_a_json_object_is_a_400(client: TestClient, body: bytes) -> None:
    response = await client.post(
        "/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    await problem(response, 400)


async def test_a_body_that_is_not_utf8_is_a_400(client: TestClient) -> None:
    response = await client.post(
        "/auth/login", data=b'{"email": "\xff"}', headers={"Content-Type": "application/json"}
    )
    await problem(response, 400)


async def test_nan_is_not_json(client: TestClient) -> None:
    response = await client.post(
        "/auth/login", data=b'{"email": NaN}', headers={"Content-Type": "application/json"}
    )
    await problem(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_body_that_is_not_declared_json_is_a_415(
    client: TestClient, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    data = b'{"email": "a@example.com", "password": "correct horse"}'
    await problem(await client.post("/auth/login", data=data, headers=headers), 415)


async def test_a_two_mebibyte_body_is_a_413(client: TestClient) -> None:
    body = io.BytesIO(b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}')
    response = await client.post(
        "/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    await problem(response, 413)


async def test_a_body_over_the_limit_without_a_length_is_a_413(client: TestClient) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"email": "'
        for _ in range(32):
            yield b"a" * 65536
        yield b'"}'

    response = await client.post(
        "/auth/login", data=chunks(), headers={"Content-Type": "application/json"}
    )
    await problem(response, 413)


FIELDS = {
    "/auth/register": {"email": "a@example.com", "password": "correct horse", "name": "Ada"},
    "/auth/login": {"email": "a@example.com", "password": "correct horse"},
}
CASES = [(path, field) for path, body in FIELDS.items() for field in body]


@pytest.mark.parametrize(("path", "field"), CASES)
@pytest.mark.parametrize("value", [{"$gt": ""}, ["a"], 1, True], ids=str)
async def test_a_non_string_where_a_string_is_due_is_a_422_naming_the_field(
    client: TestClient, path: str, field: str, value: Any
) -> None:
    body = {**FIELDS[path], field: value}
    found = await problem(await client.post(path, json=body), 422)
    assert [e["field"] for e in found["errors"]] == [field]


@pytest.mark.parametrize("path", FIELDS)
async def test_null_for_a_required_string_is_a_422(client: TestClient, path: str) -> None:
    found = await problem(await client.post(path, json={"email": None, "password": None}), 422)
    assert sorted(e["field"] for e in found["errors"]) == ["email", "password"]


@pytest.mark.parametrize("extra", ["role", "user_id", "password_hash"])
async def test_an_unknown_field_is_a_422(client: TestClient, extra: str) -> None:
    body = {**FIELDS["/auth/register"], extra: "admin"}
    found = await problem(await client.post("/auth/register", json=body), 422)
    assert [e["field"] for e in found["errors"]] == [extra]


async def test_every_field_problem_is_listed_at_once(client: TestClient) -> None:
    body = {"email": "nope", "password": "short", "role": "admin"}
    found = await problem(await client.post("/auth/register", json=body), 422)
    assert sorted(e["field"] for e in found["errors"]) == ["email", "password", "role"]
    assert all(e["message"] for e in found["errors"])


async def test_a_rejected_password_is_never_echoed(client: TestClient) -> None:
    body = {"email": "a@example.com", "password": "sekrit-" + "x" * 70}
    response = await client.post("/auth/register", json=body)
    assert "sekrit" not in await response.text()


async def test_an_unknown_route_is_a_404(client: TestClient) -> None:
    await problem(await client.get("/no/such/thing"), 404)


async def test_a_wrong_method_is_a_405_with_allow(client: TestClient) -> None:
    response = await client.get("/auth/login")
    await problem(response, 405)
    assert response.headers["Allow"] == "POST"


async def test_an_unexpected_error_is_a_bare_500_and_is_logged(
    failures: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="boxoffice.http.problems"):
        response = await failures.get("/_test/crash")
    await problem(response, 500)
    text = await response.text()
    assert not [leak for leak in (*LEAKS, "RuntimeError", "eyJ") if leak in text]
    assert "RuntimeError" in caplog.text


@pytest.mark.parametrize("path", ["/_test/store-down", "/_test/driver-down"])
async def test_an_unavailable_store_is_a_503_with_retry_after(
    failures: TestClient, path: str
) -> None:
    response = await failures.get(path)
    await problem(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert not [leak for leak in LEAKS if leak in await response.text()]


async def test_a_booking_that_cannot_be_cancelled_is_a_409_naming_it(failures: TestClient) -> None:
    found = await problem(await failures.get("/_test/not-cancellable"), 409)
    assert (found["booking_id"], found["booking_status"]) == ("b1", "rejected")
