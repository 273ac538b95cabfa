"""Access tokens: HS256 JWTs with every registered claim required (RFC 8725).

The algorithm is pinned, so ``alg: none`` or an RS/HS confusion is refused
before any claim is read; issuer and audience keep tokens minted for another
service out.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

import jwt

from boxoffice.domain.users import ADMIN, ROLES, SCANNER

ALGORITHM = "HS256"
ISSUER = "boxoffice"
AUDIENCE = "boxoffice-api"
REQUIRED_CLAIMS = ["sub", "role", "exp", "iat", "iss", "aud"]


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def may_scan(self) -> bool:
        """Scanners check tickets in at the door, and so may admins."""
        return self.role in (SCANNER, ADMIN)


class InvalidToken(Exception):
    pass


VERIFIED_CACHE = 10_000


class TokenService:
    """Issues and verifies tokens.

    A buyer sends the same token with every request, so tokens that verified
    are remembered (with their expiry) and not decoded again: a signature that
    was valid stays valid, and the expiry is still checked on every use.
    ``leeway_seconds`` absorbs clock skew between the servers that issue and
    verify: a token issued that much in the future is valid, and one expired
    that long ago still is.
    """

    def __init__(self, key: str, ttl_seconds: int, leeway_seconds: int) -> None:
        self._key = key
        self.ttl_seconds = ttl_seconds
        self._leeway = leeway_seconds
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def issue(self, user_id: str, role: str) -> str:
        now = int(time.time())
        claims = {
            "sub": user_id,
            "role": role,
            "iat": now,
            "exp": now + self.ttl_seconds,
            "iss": ISSUER,
            "aud": AUDIENCE,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The token's principal; InvalidToken for anything forged, expired or malformed."""
        known = self._verified.get(token)
        if known is not None and time.time() < known[1] + self._leeway:
            return known[0]
        principal, expires = self._decode(token)
        self._verified[token] = (principal, expires)
        while len(self._verified) > VERIFIED_CACHE:
            self._verified.popitem(last=False)
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.InvalidTokenError as exc:
            raise InvalidToken(str(exc)) from None
        subject, role = claims["sub"], claims["role"]
        if not isinstance(subject, str) or not subject or role not in ROLES:
            raise InvalidToken("unexpected subject or role")
        return Principal(subject, role), float(claims["exp"])
