"""Schemathesis fuzzes every operation of /openapi.json against the real app and store.

Each operation is called by an anonymous client, a client with a forged token,
a customer and an admin; every response must be documented (status, content
type, body schema, headers) and none may be a 5xx.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import settings
from schemathesis.checks import positive_data_acceptance

from boxoffice.http.openapi import openapi_document

from .conftest import LiveServer

# Schemathesis' own generators call ``random`` inside strategies (a third-party deprecation).
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)

schema = schemathesis.openapi.from_dict(openapi_document())
# Operations whose inputs obey rules no JSON Schema states, so a schema-valid input may
# rightly get a 422: deliverable e-mail domains (``x@y.test`` is refused), passwords of at
# most 72 bytes of UTF-8, distinct category codes, opaque page cursors that only the
# server mints, webhook URLs (an absolute http or https URL without credentials), a payment
# provider's signature over the body (which a fuzzer cannot make), and a show's times (in the
# future, sales_start before sales_end).
SEMANTIC = {
    "POST /auth/register",
    "POST /auth/login",
    "POST /auth/password",
    "POST /shows",
    "GET /shows",
    "PATCH /shows/{show_id}",
    "GET /booking/tickets",
    "GET /booking/tickets/status",
    "GET /bookings",
    "POST /webhooks",
    "GET /orders",
    "POST /payments/webhook",
}


def has_integral_float(value: Any) -> bool:
    """JSON Schema counts ``1.0`` as an integer; the API refuses it where an integer is due."""
    if isinstance(value, dict):
        return any(has_integral_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_integral_float(v) for v in value)
    return isinstance(value, float) and value.is_integer()


FORGED = (
    "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJ1MSIsInJvbGUiOiJhZG1pbiJ9.c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ"
)

# CI runs the same inputs every time; BOXOFFICE_FUZZ_EXPLORE=1 draws new ones to hunt for bugs.
EXPLORE = bool(os.environ.get("BOXOFFICE_FUZZ_EXPLORE"))


@pytest.fixture(scope="module")
def callers(live_server: LiveServer) -> dict[str, dict[str, str]]:
    return {
        "anonymous": {},
        "forged": {"Authorization": FORGED},
        "customer": live_server.sign_up(),
        "admin": live_server.sign_up(admin=True),
    }


@pytest.mark.parametrize("caller", ["anonymous", "forged", "customer", "admin"])
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=not EXPLORE)
def test_every_response_is_documented_and_none_is_a_server_error(
    case: schemathesis.Case,
    caller: str,
    live_server: LiveServer,
    callers: dict[str, dict[str, str]],
) -> None:
    semantic = case.operation.label in SEMANTIC or has_integral_float(case.body)
    excluded = [positive_data_acceptance] if semantic else []
    case.call_and_validate(
        base_url=live_server.base_url, headers=callers[caller], excluded_checks=excluded
    )


def test_the_fuzzed_document_is_the_one_the_app_serves(live_server: LiveServer) -> None:
    served = requests.get(f"{live_server.base_url}/openapi.json", timeout=10).json()
    assert served == openapi_document()
