"""Reading the orders read model: one order, a buyer's orders a page at a time, due holds."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.domain.inventory import AWAITING_PAYMENT

from .generations import live_collection
from .orders import ORDERS, order_out
from .pages import newest_first
from .queries import known_bookings

Document = dict[str, Any]


async def get_order(db: AsyncDatabase[Document], order_id: str) -> Document | None:
    """The order with its owner's ``user_id`` (for the caller's ownership check), or None."""
    orders = await live_collection(db, ORDERS.name)
    doc = await orders.find_one({"_id": order_id})
    return order_out(doc) if doc else None


async def list_orders(
    db: AsyncDatabase[Document],
    *,
    user_id: str | None = None,
    show_id: str | None = None,
    status: str | None = None,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Document], str | None]:
    """Orders newest first, a page at a time; raises InvalidCursor for a bad cursor."""
    orders = await live_collection(db, ORDERS.name)
    filters = {"user_id": user_id, "show_id": show_id, "status": status}
    page, next_cursor = await newest_first(orders, filters, limit, cursor)
    return [order_out(doc) for doc in page], next_cursor


async def due_orders(db: AsyncDatabase[Document], now_ms: int, limit: int) -> list[Document]:
    """Orders awaiting payment whose hold ran out by ``now_ms``: ``order_id`` and ``show_id``."""
    orders = await live_collection(db, ORDERS.name)
    found = orders.find(
        {"status": AWAITING_PAYMENT, "expires_ms": {"$lte": now_ms}},
        {"show_id": 1},
    ).limit(limit)
    return [{"order_id": doc["_id"], "show_id": doc["show_id"]} async for doc in found]


async def known_orders(db: AsyncDatabase[Document], order_ids: list[str]) -> set[str]:
    """Which of these orders the read model holds (it learns of an order with its decision)."""
    orders = await live_collection(db, ORDERS.name)
    return {doc["_id"] async for doc in orders.find({"_id": {"$in": order_ids}}, {"_id": 1})}


async def known_requests(db: AsyncDatabase[Document], request_ids: list[str]) -> set[str]:
    """The booking and order ids among ``request_ids`` that the read models hold: decided."""
    bookings = await known_bookings(db, request_ids)
    undecided = [request_id for request_id in request_ids if request_id not in bookings]
    return bookings | (await known_orders(db, undecided) if undecided else set())
