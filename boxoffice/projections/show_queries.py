"""The organiser's reads: shows listed by start time, and a show's sales, from their read models.

Listing pages by (start, id) under a range on the indexed start time, as the
offer search does; ``now_us`` is passed in, so "past" and "on sale" are the
caller's clock.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.domain.inventory import ACTIVE

from .generations import live_collection
from .instants import EARLIEST_US
from .pages import soonest_first, title_or_venue
from .sales import SALES, sales_out
from .shows import SHOWS, show_out

Document = dict[str, Any]


def _on_sale(now_us: int) -> Document:
    return {
        "status": ACTIVE,
        "sales_start_us": {"$lte": now_us},
        "sales_end_us": {"$gt": now_us},
        "starts_us": {"$gt": now_us},
    }


def _not_on_sale(now_us: int) -> Document:
    return {
        "$or": [
            {"status": {"$ne": ACTIVE}},
            {"sales_start_us": {"$gt": now_us}},
            {"sales_end_us": {"$lte": now_us}},
            {"starts_us": {"$lte": now_us}},
        ]
    }


async def list_shows(
    db: AsyncDatabase[Document],
    *,
    now_us: int,
    default_hold_seconds: int,
    q: str | None = None,
    starts_from_us: int | None = None,
    starts_to_us: int | None = None,
    on_sale: bool | None = None,
    include_past: bool = False,
    limit: int = 20,
    cursor: str | None = None,
) -> tuple[list[Document], str | None]:
    """Shows by start time; past ones (started before ``now_us``) only with ``include_past``.

    Raises InvalidCursor for a cursor this service did not issue.
    """
    lowest = EARLIEST_US if starts_from_us is None else starts_from_us
    starts: Document = {"$gte": lowest if include_past else max(lowest, now_us)}
    if starts_to_us is not None:
        starts["$lte"] = starts_to_us
    conditions: list[Document] = [{"starts_us": starts}]
    if q is not None:
        conditions.append(title_or_venue(q))
    if on_sale is not None:
        conditions.append(_on_sale(now_us) if on_sale else _not_on_sale(now_us))
    shows = await live_collection(db, SHOWS.name)
    page, next_cursor = await soonest_first(shows, conditions, limit, cursor)
    return [show_out(doc, default_hold_seconds) for doc in page], next_cursor


async def show_sales(db: AsyncDatabase[Document], show_id: str) -> list[Document] | None:
    """Each category's figures in the order the show lists them; None for an unknown show."""
    sales = await live_collection(db, SALES.name)
    docs = await sales.find({"show_id": show_id, "rank": {"$ne": None}}).to_list()
    if not docs:
        return None
    docs.sort(key=lambda doc: doc["rank"])
    return [sales_out(doc) for doc in docs]
