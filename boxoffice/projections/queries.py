"""The read side: plain functions over the live read-model collections, returning plain dicts.

They skip the domain entirely.  Every sorted query carries a range filter:
nx-27017 sorts wrongly when the filter is empty.  User input only ever lands in
values (``q`` through ``re.escape``), never as an operator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.domain.inventory import CANCELLED, CANCELLING

from .bookings import BOOKINGS, booking_out
from .cursors import InvalidCursor
from .generations import live_collection
from .instants import EARLIEST_US, epoch_us
from .offers import OFFERS, offer_out
from .pages import newest_first, soonest_first, title_or_venue
from .shows import SHOWS, show_out
from .users import USERS, user_out

Document = dict[str, Any]

__all__ = [
    "InvalidCursor",
    "get_booking",
    "get_show",
    "get_user",
    "known_bookings",
    "list_bookings",
    "list_users",
    "search_offers",
]


async def search_offers(
    db: AsyncDatabase[Document],
    *,
    show_id: str | None = None,
    q: str | None = None,
    starts_from: datetime | str | None = None,
    starts_to: datetime | str | None = None,
    available_only: bool = False,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Document], str | None]:
    """Listed offers by start time, a page at a time; raises InvalidCursor for a bad cursor."""
    starts: Document = {"$gte": EARLIEST_US if starts_from is None else epoch_us(starts_from)}
    if starts_to is not None:
        starts["$lte"] = epoch_us(starts_to)
    conditions: list[Document] = [
        {"listed": True, "starts_us": starts, "status": {"$nin": [CANCELLING, CANCELLED]}}
    ]
    if show_id is not None:
        conditions.append({"show_id": show_id})
    if q is not None:
        conditions.append(title_or_venue(q))
    if available_only:
        conditions.append({"available": {"$gt": 0}})
    offers = await live_collection(db, OFFERS.name)
    page, next_cursor = await soonest_first(offers, conditions, limit, cursor)
    return [offer_out(doc) for doc in page], next_cursor


async def get_show(
    db: AsyncDatabase[Document], show_id: str, default_hold_seconds: int
) -> Document | None:
    """The show with each category's seats available, categories in the order the show lists them.

    Its description and status come from the shows read model, its seats from the offers.
    """
    offers = await live_collection(db, OFFERS.name)
    docs = await offers.find({"show_id": show_id, "listed": True}).to_list()
    show = await (await live_collection(db, SHOWS.name)).find_one({"_id": show_id})
    if not docs or show is None:
        return None
    docs.sort(key=lambda doc: doc["rank"])
    return {
        **show_out(show, default_hold_seconds),
        "categories": [
            {
                "code": doc["category"],
                "name": doc["name"],
                "price": doc["price"],
                "currency": doc["currency"],
                "capacity": doc["capacity"],
                "available": doc["available"],
            }
            for doc in docs
        ],
    }


async def get_booking(db: AsyncDatabase[Document], booking_id: str) -> Document | None:
    """The booking with its owner's ``user_id`` (for the caller's ownership check), or None."""
    bookings = await live_collection(db, BOOKINGS.name)
    doc = await bookings.find_one({"_id": booking_id})
    return booking_out(doc) if doc else None


async def get_user(db: AsyncDatabase[Document], user_id: str) -> Document | None:
    """The user's profile and role, or None (unknown, or not projected yet)."""
    users = await live_collection(db, USERS.name)
    doc = await users.find_one({"_id": user_id})
    return user_out(doc) if doc else None


async def known_bookings(db: AsyncDatabase[Document], booking_ids: list[str]) -> set[str]:
    """Which of these bookings the read model holds (it learns of a booking with its decision)."""
    bookings = await live_collection(db, BOOKINGS.name)
    return {doc["_id"] async for doc in bookings.find({"_id": {"$in": booking_ids}}, {"_id": 1})}


async def list_bookings(
    db: AsyncDatabase[Document],
    *,
    user_id: str | None = None,
    show_id: str | None = None,
    status: str | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> tuple[list[Document], str | None]:
    """Bookings matching every filter given, newest first, a page at a time.

    Raises InvalidCursor for a cursor this function did not issue.
    """
    bookings = await live_collection(db, BOOKINGS.name)
    filters = {"user_id": user_id, "show_id": show_id, "status": status}
    page, next_cursor = await newest_first(bookings, filters, limit, cursor)
    return [booking_out(doc) for doc in page], next_cursor


async def list_users(db: AsyncDatabase[Document]) -> list[Document]:
    """Every user in registration order, without password hashes (the read model has none)."""
    users = await live_collection(db, USERS.name)
    docs = users.find({"registered_us": {"$gte": EARLIEST_US}}).sort(
        [("registered_us", ASCENDING), ("position", ASCENDING)]
    )
    return [user_out(doc) async for doc in docs]
