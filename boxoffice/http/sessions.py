"""Sessions: a short-lived access token and a rotating refresh token (commands/sessions.py).

A refresh reads the user's stream, so a role granted or revoked since the last
token is in the next one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aiohttp import web
from pydantic import BaseModel, Field

from boxoffice.commands import users
from boxoffice.commands.sessions import InvalidRefreshToken
from boxoffice.domain.users import User
from boxoffice.eventstore import WrongExpectedVersion
from boxoffice.projections import queries

from . import keys
from .auth import REALM, authenticated, unauthorized
from .problems import Problem
from .ratelimit import client_address
from .validation import GivenPassword, NewPassword, StrictModel, parse_body

RefreshToken = Annotated[str, Field(min_length=1, max_length=200)]
ACCOUNT_RETRY_AFTER_SECONDS = 1


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class RefreshIn(StrictModel):
    refresh_token: RefreshToken


class PasswordChangeIn(StrictModel):
    current_password: GivenPassword
    new_password: NewPassword


async def new_session(app: web.Application, user: User) -> web.Response:
    """A login's answer: an access token and the first refresh token of a new family."""
    refresh = await app[keys.REFRESH_TOKENS].start(user.user_id, user.email)
    return _tokens(app, user, refresh)


def _tokens(app: web.Application, user: User, refresh: str) -> web.Response:
    access = app[keys.TOKENS]
    return web.json_response(
        TokenOut(
            access_token=access.issue(user.user_id, user.role),
            expires_in=access.ttl_seconds,
            refresh_token=refresh,
            refresh_expires_in=app[keys.REFRESH_TOKENS].ttl_seconds,
        ).model_dump()
    )


def _refused() -> Problem:
    return unauthorized(
        "The refresh token is unknown, expired, used or revoked; log in again.",
        f'{REALM}, error="invalid_token"',
    )


async def refresh(request: web.Request) -> web.Response:
    body = await parse_body(request, RefreshIn)
    app = request.app
    try:
        session, rotated = await app[keys.REFRESH_TOKENS].rotate(body.refresh_token)
    except InvalidRefreshToken:
        raise _refused() from None
    user, _ = await users.load_user(app[keys.EVENT_STORE], session.email)
    if user is None or user.user_id != session.user_id:
        raise _refused()
    return _tokens(app, user, rotated)


async def logout(request: web.Request) -> web.Response:
    body = await parse_body(request, RefreshIn)
    try:
        await request.app[keys.REFRESH_TOKENS].revoke(body.refresh_token)
    except InvalidRefreshToken:
        raise _refused() from None
    return web.Response(status=204)


async def change_password(request: web.Request) -> web.Response:
    """Failed checks count as failed logins. Every session of the user ends; the caller gets a new one."""
    principal = await authenticated(request)
    body = await parse_body(request, PasswordChangeIn)
    app = request.app
    account = await queries.get_user(app[keys.DATABASE], principal.user_id)
    if account is None:
        raise Problem(
            503,
            "Account not readable yet",
            "The account is not in the read model yet; retry in a moment.",
            headers={"Retry-After": str(ACCOUNT_RETRY_AFTER_SECONDS)},
        )
    store, hasher = app[keys.EVENT_STORE], app[keys.PASSWORDS]
    with app[keys.LOGIN_FAILURES].attempt(account["email"], client_address(request)) as attempt:
        try:
            await users.change_password(
                store, hasher, account["email"], body.current_password, body.new_password
            )
        except users.WrongPassword:
            attempt.failed()
            raise Problem(403, "Forbidden", "The current password is incorrect.") from None
        except WrongExpectedVersion:
            raise Problem(
                409, "Conflict", "The account changed meanwhile; nothing was changed. Retry."
            ) from None
    await app[keys.REFRESH_TOKENS].revoke_user(principal.user_id)
    user, _ = await users.load_user(store, account["email"])
    assert user is not None
    return await new_session(app, user)
