from __future__ import annotations

import time

import jwt
import pytest

from boxoffice.http.tokens import InvalidToken, Principal, TokenService

KEY = "k" * 48


def test_an_issued_token_verifies_to_its_principal() -> None:
    tokens = TokenService(KEY, ttl_seconds=60, leeway_seconds=5)
    assert tokens.verify(tokens.issue("u1", "admin")) == Principal("u1", "admin")


def test_only_the_admin_role_is_admin() -> None:
    assert Principal("u1", "admin").is_admin
    assert not Principal("u1", "customer").is_admin


def test_a_token_from_another_key_is_invalid() -> None:
    token = TokenService("j" * 48, ttl_seconds=60, leeway_seconds=5).issue("u1", "customer")
    with pytest.raises(InvalidToken):
        TokenService(KEY, ttl_seconds=60, leeway_seconds=5).verify(token)


def test_a_token_with_an_unknown_role_is_invalid() -> None:
    tokens = TokenService(KEY, ttl_seconds=60, leeway_seconds=5)
    with pytest.raises(InvalidToken):
        tokens.verify(tokens.issue("u1", "root"))


def issued_in(seconds: int) -> str:
    now = int(time.time()) + seconds
    claims = {"sub": "u1", "role": "customer", "iat": now, "exp": now + 600}
    return jwt.encode({**claims, "iss": "boxoffice", "aud": "boxoffice-api"}, KEY)


def test_a_token_issued_within_the_leeway_in_the_future_is_valid() -> None:
    tokens = TokenService(KEY, ttl_seconds=60, leeway_seconds=5)
    assert tokens.verify(issued_in(3)) == Principal("u1", "customer")


def test_without_leeway_a_token_issued_in_the_future_is_invalid() -> None:
    with pytest.raises(InvalidToken):
        TokenService(KEY, ttl_seconds=60, leeway_seconds=0).verify(issued_in(3))
