"""Reading events straight from the collection of commit documents, in global order.

Unlike ``EventStore.read_all`` this pushes a replay's filters into the query,
and hands back a commit it cannot decode instead of failing on it: the audit
must get through a hand-edited log to report on it.  The cursor streams, so
memory stays constant however long the log.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from boxoffice.eventstore import RecordedEvent, StoreUnavailable
from boxoffice.eventstore.commits import decode_commit
from boxoffice.eventstore.positions import is_tombstone

from .selection import Selection
from .violations import MALFORMED_COMMIT, Violation

Document = dict[str, Any]
# Commits hold up to 2,000 events: a small batch bounds memory, and measured no slower.
BATCH_SIZE = 20


@dataclass(frozen=True)
class MalformedCommit:
    commit: object
    problem: str

    def violation(self) -> Violation:
        positions = (self.commit,) if isinstance(self.commit, int) else ()
        return Violation(MALFORMED_COMMIT, positions, f"commit {self.commit!r}: {self.problem}")


@dataclass(frozen=True)
class SealedPosition:
    """A position the store sealed with a tombstone: no event will ever be there."""

    position: int


async def _first_commit(commits: AsyncCollection[Document], position: int) -> int:
    """The commit holding ``position``: a commit's ``_id`` is the position of its first event."""
    if position <= 1:
        return 1
    holder = await commits.find_one(
        {"_id": {"$gte": 1, "$lte": position}}, {"_id": 1}, sort=[("_id", DESCENDING)]
    )
    return int(holder["_id"]) if holder else 1


async def last_position(commits: AsyncCollection[Document]) -> int:
    """The log's last position, for progress; unlike the store's, it survives a malformed head."""
    try:
        last = await commits.find_one({"_id": {"$gte": 1}}, {"n": 1}, sort=[("_id", DESCENDING)])
    except PyMongoError as exc:
        raise StoreUnavailable(f"reading the log head failed: {exc}") from None
    if last is None:
        return 0
    count = last.get("n")
    return int(last["_id"]) + (count - 1 if isinstance(count, int) else 0)


async def read_events(
    commits: AsyncCollection[Document], selection: Selection
) -> AsyncGenerator[RecordedEvent | MalformedCommit | SealedPosition]:
    try:
        start = await _first_commit(commits, selection.from_position)
        query = selection.commit_query(start)
        cursor = commits.find(query).sort("_id", ASCENDING).batch_size(BATCH_SIZE)
        async with cursor:
            async for doc in cursor:
                if is_tombstone(doc):
                    yield SealedPosition(int(doc["_id"]))
                    continue
                try:
                    events = decode_commit(doc)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    yield MalformedCommit(doc.get("_id"), f"{type(exc).__name__}: {exc}")
                    continue
                for event in events:
                    if selection.matches(event):
                        yield event
    except PyMongoError as exc:
        raise StoreUnavailable(f"reading the log failed: {exc}") from None
