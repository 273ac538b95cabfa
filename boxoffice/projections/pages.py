"""A page at a time: newest first (bookings, orders) and soonest first (shows, offers)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from .cursors import decode_cursor, encode_cursor
from .instants import EARLIEST_US

Document = dict[str, Any]


async def newest_first(
    collection: AsyncCollection[Document],
    filters: Mapping[str, str | None],
    limit: int,
    cursor: str | None,
) -> tuple[list[Document], str | None]:
    """Documents matching every filter given (None: any), by ``created_us`` then ``_id``, newest
    first, and the cursor of the next page; raises InvalidCursor for one this did not issue."""
    conditions: list[Document] = [{"created_us": {"$gte": EARLIEST_US}}]
    conditions += [{name: value} for name, value in filters.items() if value is not None]
    if cursor is not None:
        before_us, before_id = decode_cursor(cursor)
        conditions.append(
            {
                "$or": [
                    {"created_us": {"$lt": before_us}},
                    {"created_us": before_us, "_id": {"$lt": before_id}},
                ]
            }
        )
    found = await (
        collection.find({"$and": conditions})
        .sort([("created_us", DESCENDING), ("_id", DESCENDING)])
        .limit(limit + 1)
        .to_list()
    )
    page = found[:limit]
    more = len(found) > limit
    return page, encode_cursor(page[-1]["created_us"], page[-1]["_id"]) if more else None


async def soonest_first(
    collection: AsyncCollection[Document],
    conditions: list[Document],
    limit: int,
    cursor: str | None,
) -> tuple[list[Document], str | None]:
    """Documents matching every condition by ``starts_us`` then ``_id``, soonest first, and the
    cursor of the next page; raises InvalidCursor for one this did not issue."""
    conditions = list(conditions)
    if cursor is not None:
        after_us, after_id = decode_cursor(cursor)
        conditions.append(
            {
                "$or": [
                    {"starts_us": {"$gt": after_us}},
                    {"starts_us": after_us, "_id": {"$gt": after_id}},
                ]
            }
        )
    found = await (
        collection.find({"$and": conditions})
        .sort([("starts_us", ASCENDING), ("_id", ASCENDING)])
        .limit(limit + 1)
        .to_list()
    )
    page = found[:limit]
    more = len(found) > limit
    return page, encode_cursor(page[-1]["starts_us"], page[-1]["_id"]) if more else None


def title_or_venue(q: str) -> Document:
    """A case-insensitive search for ``q`` as plain text in a title or a venue."""
    pattern = {"$regex": re.escape(q), "$options": "i"}
    return {"$or": [{"title": pattern}, {"venue": pattern}]}
