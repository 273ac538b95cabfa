"""JWT attacks on the real routes (RFC 8725): every token the server did not mint is a 401.

Already proven in tests/e2e/test_auth.py on a guarded test route: alg none
(also as admin), a wrong key, another HMAC algorithm, missing exp/iat/sub/role/
aud/iss, an unknown role, an expired token, a wrong audience or issuer. Here the
same attacks hit a real route, plus the ones that edit a genuine token.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient

from ..e2e.actors import Actor, book, new_show, sign_up
from ..e2e.test_auth import ATTACKS, claims, signed
from .test_function_authorization import tampered

STATUS = "/booking/tickets/status"


def token_of(actor: Actor) -> str:
    return actor.headers["Authorization"].removeprefix("Bearer ")


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("authorization", ATTACKS.values(), ids=ATTACKS.keys())
async def test_a_real_route_refuses_every_forged_token(
    client: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.get(STATUS, headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_a_genuine_token_edited_to_another_subject_cannot_read_their_bookings(
    client: TestClient,
) -> None:
    admin, victim, attacker = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    _, booked = await book(client, victim, await new_show(client, admin))
    edited = tampered(token_of(attacker), sub=victim.user_id)
    response = await client.get(
        STATUS,
        params={"booking_id": booked["booking_id"]},
        headers={"Authorization": f"Bearer {edited}"},
    )
    assert response.status == 401


async def test_a_genuine_token_with_its_header_switched_to_alg_none_is_refused(
    client: TestClient,
) -> None:
    customer = await sign_up(client)
    _, payload, _ = token_of(customer).split(".")
    stripped = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    response = await client.get(STATUS, headers={"Authorization": f"Bearer {stripped}"})
    assert response.status == 401


async def test_a_genuine_token_with_its_expiry_pushed_back_is_refused(client: TestClient) -> None:
    customer = await sign_up(client)
    extended = tampered(token_of(customer), exp=2**40)
    response = await client.get(STATUS, headers={"Authorization": f"Bearer {extended}"})
    assert response.status == 401


async def test_a_kid_header_pointing_at_another_key_changes_nothing(client: TestClient) -> None:
    token = jwt.encode(
        claims(), "attacker-key-" + "a" * 40, algorithm="HS256", headers={"kid": "../../dev/null"}
    )
    response = await client.get(STATUS, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_a_token_for_a_subject_that_is_not_a_string_is_refused(client: TestClient) -> None:
    token = signed(claims(sub={"$ne": None}))
    response = await client.get(STATUS, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 401


async def test_a_refused_token_is_never_echoed(client: TestClient) -> None:
    forged = signed(claims(), key="wrong-key-" + "w" * 40)
    response = await client.get(STATUS, headers={"Authorization": f"Bearer {forged}"})
    assert forged not in await response.text()
    assert forged not in str(response.headers)
