"""Newest first, a page at a time: the listing shared by the bookings and orders read models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import DESCENDING
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
