"""One person, one account: look-alike spellings of an e-mail address are the same account."""

from __future__ import annotations

import uuid

import pytest
from aiohttp.test_utils import TestClient

PASSWORD = "correct horse battery"

LOOK_ALIKES = {
    "composed and decomposed accent": ("jos\u00e9-{id}@example.com", "jose\u0301-{id}@example.com"),
    "full-width letters": ("ada-{id}@example.com", "\uff41\uff44\uff41-{id}@\uff45xample.com"),
    "ideographic dot": ("ada-{id}@example.com", "ada-{id}@example\u3002com"),
    "unicode domain and punycode": (
        "ada-{id}@b\u00fccher.example",
        "ada-{id}@xn--bcher-kva.example",
    ),
}


async def register(client: TestClient, email: str) -> int:
    body = {"email": email, "password": PASSWORD}
    return (await client.post("/auth/register", json=body)).status


@pytest.mark.parametrize(("first", "second"), LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
async def test_a_look_alike_spelling_of_a_registered_email_is_taken(
    client: TestClient, first: str, second: str
) -> None:
    unique = uuid.uuid4().hex[:8]
    assert await register(client, first.format(id=unique)) == 201
    assert await register(client, second.format(id=unique)) == 409


@pytest.mark.parametrize(("first", "second"), LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
async def test_a_look_alike_spelling_logs_in_to_the_same_account(
    client: TestClient, first: str, second: str
) -> None:
    unique = uuid.uuid4().hex[:8]
    await register(client, first.format(id=unique))
    body = {"email": second.format(id=unique), "password": PASSWORD}
    assert (await client.post("/auth/login", json=body)).status == 200


async def test_sharp_s_and_ss_are_two_accounts(client: TestClient) -> None:
    unique = uuid.uuid4().hex[:8]
    assert await register(client, f"stra\u00dfe-{unique}@example.com") == 201
    assert await register(client, f"strasse-{unique}@example.com") == 201


async def test_registration_answers_the_domain_in_punycode(client: TestClient) -> None:
    body = {"email": f"Ada-{uuid.uuid4().hex[:8]}@B\u00fccher.example", "password": PASSWORD}
    response = await client.post("/auth/register", json=body)
    assert (await response.json())["email"].endswith("@xn--bcher-kva.example")
