"""``GET /openapi.json``: an OpenAPI 3.1 document built from ``OPERATIONS`` and pydantic models.

Adding a route to the document is one entry in ``OPERATIONS``::

    Operation("POST", "/shows", "Create a show", status=201,
              body=CreateShowIn, response=ShowOut, auth="admin", errors=(409,)),

``body``, ``response`` and ``query`` take a pydantic model (its JSON Schema is
generated) or a JSON Schema dict. Path parameters come from ``{name}`` in the
path. The errors every route can give (500, 503; 400/413/415/422 with a body;
401/403 with auth) are added for you; list only the route's own in ``errors``.
A test fails when a route served by the app is missing here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .problems import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from .users import LoginIn, RegisteredOut, RegisterIn, TokenOut

Schema = type[BaseModel] | dict[str, Any]
REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    status: int = 200
    body: Schema | None = None
    response: Schema | None = None
    query: Schema | None = None
    headers: tuple[str, ...] = ()
    auth: Literal["none", "user", "admin"] = "none"
    errors: tuple[int, ...] = ()
    media_type: str = "application/json"


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
    }


# Shapes from DESIGN.md's v1 table, until the booking models are plugged in here.
_STR: dict[str, Any] = {"type": "string"}
_INT: dict[str, Any] = {"type": "integer"}
_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
_STATUS = {"type": "string", "enum": ["pending", "confirmed", "rejected", "cancelled"]}
_CATEGORY = {"code": _STR, "name": _STR, "price": _STR, "currency": _STR, "capacity": _INT}
_SHOW = {"title": _STR, "venue": _STR, "starts_at": _TIME}
_BOOKING = {
    "booking_id": _STR,
    "status": _STATUS,
    "show_id": _STR,
    "category": _STR,
    "quantity": _INT,
}
CREATE_SHOW = _object(
    {**_SHOW, "categories": {"type": "array", "items": _object(_CATEGORY)}},
    {"per_user_limit": _INT},
)
SHOW = _object(
    {
        "show_id": _STR,
        **_SHOW,
        "categories": {"type": "array", "items": _object({**_CATEGORY, "available": _INT})},
    },
    {"per_user_limit": _INT},
)
OFFER = _object({"show_id": _STR, **_SHOW, "category": _STR, **_CATEGORY, "available": _INT})
OFFERS = _object({"items": {"type": "array", "items": OFFER}, "next_cursor": _STR})
SEARCH = _object(
    {},
    {
        "show_id": _STR,
        "q": _STR,
        "from": _TIME,
        "to": _TIME,
        "available_only": {"type": "boolean"},
        "limit": _INT,
        "cursor": _STR,
    },
)
BOOK = _object({"show_id": _STR, "category": _STR, "quantity": _INT})
BOOKING = _object(_BOOKING, {"reason": _STR, "status_url": _STR})
BOOKING_STATUS = _object({**_BOOKING, "created_at": _TIME, "updated_at": _TIME}, {"reason": _STR})
BOOKING_STATUSES = {
    "oneOf": [BOOKING_STATUS, _object({"items": {"type": "array", "items": BOOKING_STATUS}})]
}
STATUS_QUERY = _object({}, {"booking_id": _STR})
CANCEL = _object({"booking_id": _STR})
CANCELLED = _object({"booking_id": _STR, "status": _STATUS})

OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/health", "Liveness", response=_object({"status": _STR})),
    Operation("GET", "/ready", "Readiness: the store answers", response=_object({"status": _STR})),
    Operation("GET", "/metrics", "Prometheus metrics", media_type="text/plain"),
    Operation("GET", "/openapi.json", "This document", response={"type": "object"}),
    Operation(
        "POST", "/auth/register", "Register", status=201, body=RegisterIn,
        response=RegisteredOut, errors=(409, 429),
    ),
    Operation(
        "POST", "/auth/login", "Log in for a bearer token", body=LoginIn, response=TokenOut,
        errors=(401, 429),
    ),
    Operation(
        "POST", "/shows", "Create a show", status=201, body=CREATE_SHOW, response=SHOW,
        auth="admin",
    ),
    Operation("GET", "/shows/{show_id}", "A show with availability", response=SHOW, errors=(404,)),
    Operation(
        "GET", "/booking/tickets", "Search available tickets", query=SEARCH, response=OFFERS,
        errors=(422,),
    ),
    Operation(
        "POST", "/booking/tickets/book", "Book tickets (201 confirmed, 202 pending)",
        status=201, body=BOOK, response=BOOKING, headers=("Idempotency-Key",), auth="user",
        errors=(202, 409, 429),
    ),
    Operation(
        "GET", "/booking/tickets/status",
        "A booking's status (booking_id), or all of mine ({items: [...]})",
        query=STATUS_QUERY, response=BOOKING_STATUSES, auth="user", errors=(404, 422),
    ),
    Operation(
        "POST", "/booking/tickets/cancel", "Cancel a booking", body=CANCEL, response=CANCELLED,
        auth="user", errors=(202, 404, 409),
    ),
)  # fmt: skip

PROBLEM = {
    "type": "object",
    "properties": {
        "type": _STR,
        "title": _STR,
        "status": _INT,
        "detail": _STR,
        "errors": {
            "type": "array",
            "items": _object({"field": _STR, "message": _STR}),
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _models(operations: Iterable[Operation]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    found: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {}
    for op in operations:
        if isinstance(op.body, type):
            found[(op.body, "validation")] = None
        if isinstance(op.response, type):
            found[(op.response, "serialization")] = None
    return list(found)


def _parameters(op: Operation) -> list[dict[str, Any]]:
    path = [
        {"name": name, "in": "path", "required": True, "schema": _STR}
        for name in re.findall(r"{(\w+)}", op.path)
    ]
    query: list[dict[str, Any]] = []
    if op.query is not None:
        schema = op.query if isinstance(op.query, dict) else op.query.model_json_schema()
        required = set(schema.get("required", ()))
        query = [
            {"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema["properties"].items()
        ]
    headers = [{"name": h, "in": "header", "required": False, "schema": _STR} for h in op.headers]
    return path + query + headers


def _errors(op: Operation) -> list[int]:
    implied = [500, 503]
    if op.body is not None:
        implied += [400, 413, 415, 422]
    if op.auth != "none":
        implied.append(401)
    if op.auth == "admin":
        implied.append(403)
    return sorted(set(implied) | set(op.errors))


def _responses(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if op.response is not None:
        schema = (
            refs[(op.response, "serialization")] if isinstance(op.response, type) else op.response
        )
        success["content"] = {op.media_type: {"schema": schema}}
    elif op.media_type != "application/json":
        success["content"] = {op.media_type: {"schema": _STR}}
    problem = {"content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}}}
    responses = {str(op.status): success}
    for status in _errors(op):
        if status < 400:
            responses[str(status)] = {"description": "Accepted, not decided yet", **success}
        else:
            responses[str(status)] = {"description": HTTPStatus(status).phrase, **problem}
    return responses


def _operation(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {"summary": op.summary, "responses": _responses(op, refs)}
    parameters = _parameters(op)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        schema = refs[(op.body, "validation")] if isinstance(op.body, type) else op.body
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    if op.auth != "none":
        document["security"] = [{"bearer": []}]
    return document


@functools.cache
def openapi_document() -> dict[str, Any]:
    refs, definitions = models_json_schema(_models(OPERATIONS), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "boxoffice", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {**definitions.get("$defs", {}), "Problem": PROBLEM},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())
