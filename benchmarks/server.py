"""The boxoffice app plus the comparison routes, for benchmarks.onsale only.

* ``POST /bench/baseline/inventory``: opens shows for it, ``{"capacities": [30, 30]}``.
* ``POST /bench/baseline/book``: the state-based design people would otherwise
  pick: one ``find_one_and_update`` with ``$inc`` and a ``$gte`` guard, then one
  booking insert, behind the same token check, JSON parsing and validation.
* ``POST /bench/ceiling/book``: the same stack answering 201 without the store.

Run as ``python -m benchmarks.server --port N`` with the usual environment.
"""

from __future__ import annotations

import argparse
import uuid

from aiohttp import web
from pymongo import ReturnDocument

from boxoffice.http import keys
from boxoffice.http.app import create_app
from boxoffice.http.auth import authenticated, require_admin
from boxoffice.http.booking_models import BookIn
from boxoffice.http.ratelimit import enforce
from boxoffice.http.validation import parse_body
from boxoffice.logs import configure_logging
from boxoffice.settings import load_settings

BASELINE_INVENTORY = "bench_inventory"
BASELINE_BOOKINGS = "bench_bookings"


async def open_baseline_inventory(request: web.Request) -> web.Response:
    """One inventory document (category A) per entry of ``capacities``, in one insert."""
    require_admin(await authenticated(request))
    capacities = [int(seats) for seats in (await request.json())["capacities"]]
    show_ids = [uuid.uuid4().hex for _ in capacities]
    await request.app[keys.DATABASE][BASELINE_INVENTORY].insert_many(
        {"_id": f"{show_id}:A", "capacity": seats, "available": seats}
        for show_id, seats in zip(show_ids, capacities, strict=True)
    )
    return web.json_response({"show_ids": show_ids}, status=201)


async def baseline_book(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    body = await parse_body(request, BookIn)
    enforce(request, "booking", principal.user_id)
    database = request.app[keys.DATABASE]
    taken = await database[BASELINE_INVENTORY].find_one_and_update(
        {"_id": f"{body.show_id}:{body.category}", "available": {"$gte": body.quantity}},
        {"$inc": {"available": -body.quantity}},
        return_document=ReturnDocument.AFTER,
        projection={"_id": 1},
    )
    if taken is None:
        return web.json_response({"status": "rejected", "reason": "sold_out"}, status=409)
    booking_id = uuid.uuid4().hex
    await database[BASELINE_BOOKINGS].insert_one(
        {"_id": booking_id, "user_id": principal.user_id, "show_id": body.show_id,
         "category": body.category, "quantity": body.quantity, "status": "confirmed"}
    )  # fmt: skip
    return web.json_response(
        {"booking_id": booking_id, "status": "confirmed", "show_id": body.show_id,
         "category": body.category, "quantity": body.quantity},
        status=201,
    )  # fmt: skip


async def ceiling_book(request: web.Request) -> web.Response:
    principal = await authenticated(request)
    body = await parse_body(request, BookIn)
    enforce(request, "booking", principal.user_id)
    return web.json_response(
        {"booking_id": uuid.uuid4().hex, "status": "confirmed", "show_id": body.show_id,
         "category": body.category, "quantity": body.quantity},
        status=201,
    )  # fmt: skip


def create_bench_app(port: int) -> web.Application:
    settings = load_settings(port=port)
    assert settings.mongodb_uri, "the benchmark server runs on MONGODB_URI"
    app = create_app(settings, settings.mongodb_uri)
    app.router.add_post("/bench/baseline/inventory", open_baseline_inventory)
    app.router.add_post("/bench/baseline/book", baseline_book)
    app.router.add_post("/bench/ceiling/book", ceiling_book)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    configure_logging()
    web.run_app(create_bench_app(port), host="127.0.0.1", port=port, access_log=None, print=None)
