"""Who is calling: the bearer token's principal, for handlers that need one.

``principal = await authenticated(request)`` answers 401 (with
``WWW-Authenticate: Bearer``) for a missing, malformed, forged or expired token;
``require_admin(principal)`` and ``require_scanner(principal)`` answer 403.
"""

from __future__ import annotations

from aiohttp import web

from . import keys
from .problems import Problem
from .tokens import InvalidToken, Principal

__all__ = ["Principal", "authenticated", "require_admin", "require_scanner", "unauthorized"]

REALM = 'Bearer realm="boxoffice"'


def unauthorized(detail: str, challenge: str = REALM) -> Problem:
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})


async def authenticated(request: web.Request) -> Principal:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("This needs an access token: Authorization: Bearer <token>.")
    try:
        return request.app[keys.TOKENS].verify(token.strip())
    except InvalidToken:
        raise unauthorized(
            "The access token is invalid or expired; log in again.",
            f'{REALM}, error="invalid_token"',
        ) from None


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Problem(403, "Forbidden", "This needs the admin role.")


def require_scanner(principal: Principal) -> None:
    if not principal.may_scan:
        raise Problem(403, "Forbidden", "This needs the scanner or admin role.")
