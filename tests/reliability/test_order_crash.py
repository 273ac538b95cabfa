"""SIGKILL of the server while orders are being placed: no order is half-held, none acknowledged
is lost, and every unanswered order retried with its Idempotency-Key is placed at most once."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import aiohttp
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.users import grant_admin
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import MongoEventStore

from .conftest import REQUEST_BOUND_SECONDS, Buyer, Sale, Server, audit

pytestmark = pytest.mark.slow
CAPACITY, BUYERS, KILL_AFTER = 200, 30, 40
ITEMS = [{"category": "A", "quantity": 1}, {"category": "B", "quantity": 2}]


@dataclass
class Placement:
    buyer: Buyer
    key: str
    status: int | None = None
    order_id: str | None = None


async def place(session: aiohttp.ClientSession, base: str, show_id: str, p: Placement) -> None:
    headers = {**p.buyer.headers, "Idempotency-Key": p.key}
    p.status = None
    try:
        async with session.post(
            f"{base}/orders",
            json={"show_id": show_id, "items": ITEMS},
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=REQUEST_BOUND_SECONDS),
        ) as r:
            p.status, p.order_id = r.status, (await r.json(content_type=None)).get("order_id")
    except (aiohttp.ClientError, TimeoutError):
        pass


async def open_two_category_show(sale: Sale, store: MongoEventStore) -> str:
    admin = await sale.sign_up()
    await grant_admin(store, admin.email)
    admin = await sale.log_in(admin)
    categories = [
        {"code": code, "name": code, "price": "10", "currency": "EUR", "capacity": CAPACITY}
        for code in ("A", "B")
    ]
    show = {
        "title": "Orders",
        "venue": "Hall",
        "starts_at": "2027-06-01T20:00:00Z",
        "categories": categories,
    }
    async with sale.session.post(f"{sale.base}/shows", json=show, headers=admin.headers) as r:
        assert r.status == 201, await r.text()
        return str((await r.json())["show_id"])


async def keep_ordering(
    sale: Sale, show_id: str, buyer: Buyer, stop: asyncio.Event, placed: list[Placement]
) -> None:
    while not stop.is_set():
        placement = Placement(buyer, uuid.uuid4().hex)
        placed.append(placement)
        await place(sale.session, sale.base, show_id, placement)
        if placement.status is None:
            return


async def test_sigkill_while_placing_orders_half_holds_nothing_and_loses_nothing(
    server_on_test_store: Server, database: AsyncDatabase[dict]
) -> None:
    server = server_on_test_store
    store = MongoEventStore(database)
    placed: list[Placement] = []
    async with aiohttp.ClientSession() as session:
        sale = Sale(session, server.base)
        show_id = await open_two_category_show(sale, store)
        buyers = list(await asyncio.gather(*(sale.sign_up() for _ in range(BUYERS))))
        stop = asyncio.Event()
        tasks = [asyncio.create_task(keep_ordering(sale, show_id, b, stop, placed)) for b in buyers]
        while sum(p.status == 201 for p in placed) < KILL_AFTER:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        server.kill()
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), REQUEST_BOUND_SECONDS + 5)
        acknowledged = {p.key: p.order_id for p in placed if p.status == 201}
        server.start()
        for _ in range(60):
            unsettled = [p for p in placed if p.status not in (201, 409)]
            if not unsettled:
                break
            await asyncio.gather(*(place(session, server.base, show_id, p) for p in unsettled))
            await asyncio.sleep(0.5)
        assert all(p.status in (201, 409) for p in placed)
    assert {p.key: p.order_id for p in placed if p.key in acknowledged} == acknowledged
    events = await store.read_stream(inventory_stream(show_id))
    orders = [e.data for e in events if e.type == "OrderPlaced"]
    assert sorted(o["order_id"] for o in orders) == sorted(
        str(p.order_id) for p in placed if p.status == 201
    )
    assert all(
        o["items"] == [dict(i, unit_price="10", currency="EUR") for i in ITEMS] for o in orders
    )
    result = audit(server)
    assert result.returncode == 0, result.stdout + result.stderr
