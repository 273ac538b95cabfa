"""Request bodies and query strings into strict pydantic models, or a problem.

Models are strict (no ``"1"`` for ``1``, no object where a string is due, so
``{"$gt": ""}`` never reaches a query) and forbid unknown fields (no mass
assignment of ``role`` or ``user_id``). Every field problem is reported at once
(the first twenty of them).
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from aiohttp import web
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from boxoffice.commands.passwords import MAX_PASSWORD_BYTES
from boxoffice.control_characters import has_control
from boxoffice.domain.emails import normalise_email

from . import keys
from .json_body import json_object
from .problems import Problem, invalid

M = TypeVar("M", bound=BaseModel)

JSON_TYPES = frozenset({"application/json"})
UTF_8 = "utf-8"
# Unknown keys are echoed as field names; a megabyte-long one is not echoed whole.
MAX_FIELD_NAME = 100
_INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})")
_BOOLEANS = {"true": True, "false": False}


class StrictModel(BaseModel):
    """Base of every request model: strict types, unknown fields rejected, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, hide_input_in_errors=True)


def _printable(value: str) -> str:
    if has_control(value):
        raise ValueError("must not contain control characters")
    return value


def _email(value: str) -> str:
    _printable(value)
    normalised = normalise_email(value)
    try:
        validate_email(normalised, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None
    return normalised


def _new_password(value: str) -> str:
    if len(value.encode()) > MAX_PASSWORD_BYTES:
        raise ValueError(f"must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8")
    return value


ShortText = Annotated[
    str,
    Field(min_length=1, max_length=200, description="no control characters"),
    AfterValidator(_printable),
]
Email = Annotated[
    str, Field(max_length=320, json_schema_extra={"format": "email"}), AfterValidator(_email)
]
# Longer than any valid password, short enough to bound the work a check costs.
GIVEN_PASSWORD_MAX = 1024
GivenPassword = Annotated[str, Field(min_length=1, max_length=GIVEN_PASSWORD_MAX)]
NewPassword = Annotated[
    str,
    Field(min_length=8, description=f"at most {MAX_PASSWORD_BYTES} bytes in UTF-8"),
    AfterValidator(_new_password),
]


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """``[{field, message}]`` for every error; the rejected input is never echoed back."""
    errors = []
    for error in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "body"
        if len(field) > MAX_FIELD_NAME:
            field = field[:MAX_FIELD_NAME] + "…"
        ctx = error.get("ctx") or {}
        message = str(ctx["error"]) if error["type"] == "value_error" else error["msg"]
        errors.append({"field": field, "message": message})
    return errors


def _validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise invalid(field_errors(exc)) from None


async def parse_body(request: web.Request, model: type[M]) -> M:
    """A JSON object body as ``model``: 415, 413, 400 or 422 problems otherwise."""
    if request.content_type not in JSON_TYPES:
        raise Problem(415, "Unsupported Media Type", "The body must be application/json.")
    if (request.charset or UTF_8).lower() != UTF_8:
        raise Problem(415, "Unsupported Media Type", "The body must be JSON in UTF-8.")
    limit = request.app[keys.SETTINGS].max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise Problem(413, "Content Too Large", f"The body exceeds {limit} bytes.")
    try:
        raw = await request.read()
    except web.RequestPayloadError:
        # The rest of the body cannot be framed: close the connection after the reply, and
        # mark the body read, or aiohttp drains it after the reply and logs this error again.
        request.protocol.close()
        request.content.feed_eof()
        raise Problem(
            400,
            "Bad Request",
            "The body could not be read or decoded.",
            headers={"Connection": "close"},
        ) from None
    return _validated(model, json_object(raw))


def _scalar(annotation: Any) -> Any:
    """The scalar type under ``Annotated[...]`` and ``X | None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _scalar(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        present = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _scalar(present[0]) if len(present) == 1 else str
    return annotation


def _parse_text(kind: Any, text: str) -> Any:
    """Integers as plain decimals and booleans as ``true``/``false``; nothing looser."""
    if kind is bool:
        return _BOOLEANS.get(text, text)
    if kind is int and _INTEGER.fullmatch(text):
        return int(text)
    return text


def parse_query(request: web.Request, model: type[M]) -> M:
    """The query string as ``model``; a repeated or unknown parameter is a 422."""
    kinds = {
        field.alias or name: _scalar(field.annotation) for name, field in model.model_fields.items()
    }
    data: dict[str, Any] = {}
    errors = []
    for name in dict.fromkeys(request.query):
        values = request.query.getall(name)
        if len(values) > 1:
            errors.append({"field": name, "message": "must be given at most once"})
        data[name] = _parse_text(kinds.get(name, str), values[0])
    if errors:
        raise invalid(errors)
    return _validated(model, data)
