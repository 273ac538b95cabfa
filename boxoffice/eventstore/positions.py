"""Global positions: reserved in ranges by one ``$inc``, abandoned ones sealed by a tombstone.

A writer reserves the positions of a whole batch of commits with one atomic
``$inc`` on a counter document, then inserts the commits at them.  Writers of
any stream, in any process, never wait for each other's insert: the counter
only hands out disjoint ranges.  The price is that a position can be reserved
and never filled (its writer lost a version race or crashed), and that
commits can land out of position order.  Readers therefore walk the log
position by position and stop at the first empty one (the high-water mark),
so they never skip a commit that lands late.

An empty position is closed for good by a *tombstone*: a commit document with
no events at that ``_id``.  The unique ``_id`` then refuses the late writer,
which reserves again and lands above every reader.  Writers seal the positions
of commits they know did not land at once; readers seal a position that has
stayed empty below later commits for longer than a writer could still be
inserting (Marten's high-water mark and stale-sequence sealing).  Sealing is
always safe: a tombstone meeting a commit fails on the duplicate ``_id`` and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.database import insert_new

Document = dict[str, Any]
SEALED_STREAM = "$sealed"
COUNTER_ID = "log"


def tombstone(position: int) -> Document:
    """A one-position commit with no events; its stream and commit id are unique to the position."""
    return {
        "_id": position,
        "stream": SEALED_STREAM,
        "v": position,
        "n": 1,
        "cid": f"{SEALED_STREAM}-{position}",
        "at": datetime.now(UTC),
        "ph": "",
        "h": "",
        "events": [],
    }


def is_tombstone(doc: Document) -> bool:
    return doc.get("stream") == SEALED_STREAM


class Positions:
    """The position counter of one log and the sealing of positions left empty."""

    def __init__(self, counters: AsyncCollection[Document], commits: AsyncCollection[Document]):
        self._counters = counters
        self._commits = commits

    async def ensure_counter(self) -> None:
        """Start the counter past the last commit of a log written before it existed (once)."""
        if await self._counters.find_one({"_id": COUNTER_ID}) is not None:
            return
        last = await self._commits.find_one(
            {"_id": {"$gte": 1}}, {"n": 1}, sort=[("_id", DESCENDING)]
        )
        end = int(last["_id"]) + int(last.get("n", 1)) - 1 if last else 0
        await self._counters.update_one({"_id": COUNTER_ID}, {"$max": {"last": end}}, upsert=True)

    async def reserve(self, count: int) -> int:
        """The first of ``count`` consecutive positions no other writer will be given."""
        counter = await self._counters.find_one_and_update(
            {"_id": COUNTER_ID},
            {"$inc": {"last": count}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert counter is not None, "an upsert always returns the document"
        return int(counter["last"]) - count + 1

    async def last_reserved(self) -> int:
        counter = await self._counters.find_one({"_id": COUNTER_ID})
        return int(counter["last"]) if counter else 0

    async def seal(self, positions: Iterable[int]) -> list[Document]:
        """Put a tombstone at each position still empty; the tombstones written are returned."""
        stones = [tombstone(position) for position in positions]
        if not stones:
            return []
        written = await insert_new(self._commits, stones)
        return [stone for stone, landed in zip(stones, written, strict=True) if landed]
