"""Browsers on the configured origins may call the API; other origins get no CORS headers."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.http.app import create_app
from boxoffice.settings import ConfigError, Settings, load_settings

ALLOWED = "https://tickets.example.com"
OTHER = "https://evil.example.net"


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }


@pytest.fixture
async def browser_client(
    aiohttp_client, settings: Settings, mongo_uri: str, database
) -> TestClient:  # type: ignore[no-untyped-def]
    configured = settings.model_copy(update={"cors_origins": (ALLOWED,)})
    return await aiohttp_client(create_app(configured, mongo_uri))


async def test_a_preflight_from_an_allowed_origin_allows_the_booking_request(
    browser_client: TestClient,
) -> None:
    response = await browser_client.options("/booking/tickets/book", headers=preflight(ALLOWED))
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].split(", ")
    assert {"authorization", "content-type", "idempotency-key"} <= set(allowed)
    assert response.headers["Access-Control-Max-Age"] == "600"


async def test_a_request_from_an_allowed_origin_exposes_the_headers_a_client_acts_on(
    browser_client: TestClient,
) -> None:
    response = await browser_client.get("/health", headers={"Origin": ALLOWED})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    exposed = set(response.headers["Access-Control-Expose-Headers"].split(", "))
    assert {"Location", "Retry-After", "RateLimit-Remaining", "X-Request-ID"} <= exposed


async def test_a_problem_answer_reaches_an_allowed_origin_too(browser_client: TestClient) -> None:
    response = await browser_client.get("/shows/no-such-show", headers={"Origin": ALLOWED})
    assert response.status == 404
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


async def test_another_origin_gets_no_cors_headers(browser_client: TestClient) -> None:
    answers = [
        await browser_client.options("/booking/tickets/book", headers=preflight(OTHER)),
        await browser_client.get("/health", headers={"Origin": OTHER}),
    ]
    for response in answers:
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


async def test_without_configured_origins_no_origin_gets_cors_headers(client: TestClient) -> None:
    answers = [
        await client.options("/booking/tickets/book", headers=preflight(ALLOWED)),
        await client.get("/health", headers={"Origin": ALLOWED}),
    ]
    for response in answers:
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


@pytest.mark.parametrize("origin", ["https://tickets.example.com/app", "tickets.example.com", "*"])
def test_a_configured_origin_that_is_not_an_origin_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, origin: str
) -> None:
    monkeypatch.setenv("BOXOFFICE_CORS_ORIGINS", f'["{origin}"]')
    with pytest.raises(ConfigError, match="BOXOFFICE_CORS_ORIGINS"):
        load_settings()


def test_configured_origins_are_read_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOXOFFICE_CORS_ORIGINS", f'["{ALLOWED}", "http://localhost:3000"]')
    assert load_settings().cors_origins == (ALLOWED, "http://localhost:3000")
