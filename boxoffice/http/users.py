"""Registration and login (a login starts a session: sessions.py)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from boxoffice.commands import users

from . import keys
from .auth import unauthorized
from .problems import Problem
from .ratelimit import client_address, enforce
from .sessions import new_session
from .validation import Email, GivenPassword, NewPassword, ShortText, StrictModel, parse_body


class RegisterIn(StrictModel):
    email: Email
    password: NewPassword
    name: ShortText | None = None


class RegisteredOut(BaseModel):
    user_id: str
    email: str


class LoginIn(StrictModel):
    email: Email
    password: GivenPassword


async def register(request: web.Request) -> web.Response:
    enforce(request, "register", client_address(request))
    body = await parse_body(request, RegisterIn)
    app = request.app
    try:
        user = await users.register(
            app[keys.EVENT_STORE], app[keys.PASSWORDS], body.email, body.password, body.name or ""
        )
    except users.EmailTaken:
        raise Problem(409, "E-mail taken", "An account with this e-mail already exists.") from None
    except users.RegistrationUnsettled:
        return web.json_response(
            {
                "email": body.email,
                "status": "pending",
                "detail": "The store stopped answering after the account was sent: it may have "
                "been created. Try logging in before registering again.",
            },
            status=202,
        )
    return web.json_response(
        RegisteredOut(user_id=user.user_id, email=user.email).model_dump(), status=201
    )


async def login(request: web.Request) -> web.Response:
    """Every attempt counts against the address's ceiling; failures throttle guessing."""
    address = client_address(request)
    enforce(request, "login", address)
    body = await parse_body(request, LoginIn)
    app = request.app
    with app[keys.LOGIN_FAILURES].attempt(body.email, address) as attempt:
        user = await users.authenticate(
            app[keys.EVENT_STORE], app[keys.PASSWORDS], body.email, body.password
        )
        if user is None:
            attempt.failed()
            raise unauthorized("The e-mail or password is incorrect.")
    return await new_session(app, user)
