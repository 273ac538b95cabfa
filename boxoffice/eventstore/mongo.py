"""The event store on MongoDB: one document per commit, ordered by two unique indexes.

Why no transactions: the embedded server runs concurrent transactions on one
SQLite connection without isolation, and on real MongoDB a single-document
insert is atomic anyway.  So an append is ONE insert of a commit document that
holds the whole batch of events, and two "successor slot" unique keys make it
safe under any concurrency:

* ``(stream, v)`` where ``v`` is the first version in the commit, i.e.
  expected_version + 1.  Only one commit can extend a given stream version.  An
  exact expectation is first checked to be the end of an existing commit, so
  no caller can start a commit inside another one: versions stay 1, 2, 3 ...
* ``_id`` is the global position of the commit's first event: the end of the
  previous commit + 1.  A writer only claims position S after it has *seen*
  the commit ending at S - 1 (its own write, a read, or a re-read after a
  duplicate key), so the log is gapless and becomes visible in position order.
  A slow writer that loses its slot retries at the new head; it can never land
  below a position a reader has already passed.  This is "serialise position
  assignment with the commit" with the unique index as the serialisation point.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from .commits import build_commit, commit_result, decode_commit
from .hashing import GENESIS
from .model import (
    MAX_EVENTS_PER_APPEND,
    NO_STREAM,
    AppendResult,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StoreUnavailable,
    StreamState,
    WrongExpectedVersion,
    new_id,
)

Document = dict[str, Any]
STREAM_HEAD_CACHE = 50_000
# Sorted reads always carry a range filter: nx-27017 sorts integers as text
# when the filter is empty (see tests/integration/test_mongo_features.py).
ALL_COMMITS: Document = {"_id": {"$gte": 1}}


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class MongoEventStore:
    """EventStore on a MongoDB collection of commit documents (see module docstring)."""

    def __init__(self, database: AsyncDatabase[Document], collection: str = "events") -> None:
        self.commits: AsyncCollection[Document] = database[collection]
        self._stream_heads: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self._next_position: int | None = None
        self._claim = asyncio.Lock()
        self._appended = asyncio.Event()

    async def ensure_indexes(self) -> None:
        """Idempotent; run at start-up."""
        try:
            await self.commits.create_index(
                [("stream", ASCENDING), ("v", ASCENDING)], unique=True, name="stream_version"
            )
            await self.commits.create_index([("cid", ASCENDING)], unique=True, name="commit_id")
        except PyMongoError as exc:
            raise StoreUnavailable(f"cannot create event store indexes: {exc}") from None

    async def append(
        self,
        stream: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion,
        *,
        commit_id: str | None = None,
    ) -> AppendResult:
        if not 1 <= len(events) <= MAX_EVENTS_PER_APPEND:
            raise ValueError(f"an append takes 1 to {MAX_EVENTS_PER_APPEND} events")
        commit_id = commit_id or new_id()
        try:
            return await self._append(stream, events, expected_version, commit_id)
        except PyMongoError as exc:
            raise StoreUnavailable(f"append to {stream!r} failed: {exc}") from None

    async def _append(
        self, stream: str, events: Sequence[NewEvent], expected: ExpectedVersion, commit_id: str
    ) -> AppendResult:
        while True:
            base_version, previous_hash = await self._base_of(stream, expected)
            doc = build_commit(
                stream,
                events,
                base_version=base_version,
                previous_hash=previous_hash,
                commit_id=commit_id,
                recorded_at=_now(),
            )
            outcome = await self._insert_at_head(doc)
            if isinstance(outcome, AppendResult):
                return outcome
            if outcome == "stream_taken":
                self._stream_heads.pop(stream, None)
                if expected is not StreamState.ANY:
                    raise WrongExpectedVersion(stream, expected)

    async def _insert_at_head(self, doc: Document) -> AppendResult | str:
        """Claim the next global position and insert; loop while only the position was taken."""
        async with self._claim:
            while True:
                doc["_id"] = await self._head_end() + 1
                try:
                    await self._insert_commit(doc)
                except DuplicateKeyError:
                    # Whichever key the server reported, our view of the head may be stale.
                    self._next_position = None
                    stored = await self.commits.find_one({"cid": doc["cid"]})
                    if stored is not None:
                        return commit_result(stored, duplicate=True)
                    slot = {"stream": doc["stream"], "v": doc["v"]}
                    if await self.commits.find_one(slot, {"_id": 1}):
                        return "stream_taken"
                    continue
                self._next_position = doc["_id"] + doc["n"]
                self._remember_head(doc["stream"], doc["v"] + doc["n"] - 1, doc["h"])
                self._notify()
                return commit_result(doc, duplicate=False)

    async def _insert_commit(self, doc: Document) -> None:
        await self.commits.insert_one(doc)

    async def _head_end(self) -> int:
        if self._next_position is None:
            last = await self.commits.find_one(ALL_COMMITS, {"n": 1}, sort=[("_id", DESCENDING)])
            self._next_position = last["_id"] + last["n"] if last else 1
        return self._next_position - 1

    async def _base_of(self, stream: str, expected: ExpectedVersion) -> tuple[int, str]:
        """(version, hash) of the commit end this append builds on, or WrongExpectedVersion."""
        if expected is NO_STREAM or expected == 0:
            return 0, GENESIS
        if isinstance(expected, int) and expected < 0:
            raise ValueError("expected_version must be >= 0, NO_STREAM or ANY")
        known = self._stream_heads.get(stream)
        if known is not None and (expected is StreamState.ANY or known[0] == expected):
            return known
        versions = {"$lte": expected} if isinstance(expected, int) else {"$gte": 1}
        query: Document = {"stream": stream, "v": versions}
        last = await self.commits.find_one(
            query, {"v": 1, "n": 1, "h": 1}, sort=[("v", DESCENDING)]
        )
        if last is None:
            if expected is StreamState.ANY:
                return 0, GENESIS
            raise WrongExpectedVersion(stream, expected)
        end = last["v"] + last["n"] - 1
        if isinstance(expected, int) and end != expected:
            raise WrongExpectedVersion(stream, expected)
        return end, str(last["h"])

    def _remember_head(self, stream: str, version: int, hash_: str) -> None:
        known = self._stream_heads.get(stream)
        if known is None or known[0] < version:
            self._stream_heads[stream] = (version, hash_)
        self._stream_heads.move_to_end(stream)
        while len(self._stream_heads) > STREAM_HEAD_CACHE:
            self._stream_heads.popitem(last=False)

    def _notify(self) -> None:
        self._appended.set()
        self._appended = asyncio.Event()

    async def read_stream(self, stream: str, from_version: int = 1) -> list[RecordedEvent]:
        try:
            start = 1
            if from_version > 1:
                holder = await self.commits.find_one(
                    {"stream": stream, "v": {"$lte": from_version}},
                    {"v": 1},
                    sort=[("v", DESCENDING)],
                )
                start = holder["v"] if holder else 1
            events: list[RecordedEvent] = []
            last: Document | None = None
            async for doc in self.commits.find({"stream": stream, "v": {"$gte": start}}).sort(
                "v", ASCENDING
            ):
                events.extend(e for e in decode_commit(doc) if e.version >= from_version)
                last = doc
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading {stream!r} failed: {exc}") from None
        if last is not None:
            self._remember_head(stream, last["v"] + last["n"] - 1, last["h"])
        return events

    async def read_all(
        self, after: int = 0, limit: int | None = None
    ) -> AsyncIterator[RecordedEvent]:
        remaining = limit if limit is not None else -1
        try:
            holder = await self.commits.find_one(
                {"_id": {"$lte": after + 1}}, {"_id": 1}, sort=[("_id", DESCENDING)]
            )
            start = holder["_id"] if holder else 1
            cursor = (
                self.commits.find({"_id": {"$gte": start}}).sort("_id", ASCENDING).batch_size(200)
            )
            async for doc in cursor:
                for event in decode_commit(doc):
                    if event.position <= after:
                        continue
                    if remaining == 0:
                        await cursor.close()
                        return
                    remaining -= 1
                    yield event
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the log failed: {exc}") from None

    async def head_position(self) -> int:
        try:
            last = await self.commits.find_one(ALL_COMMITS, {"n": 1}, sort=[("_id", DESCENDING)])
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the log head failed: {exc}") from None
        return int(last["_id"] + last["n"] - 1) if last else 0

    async def wait_for_events(self, after: int, max_wait: float) -> None:
        # Local appends wake waiters at once; other processes' appends are seen on the next poll.
        signal = self._appended
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signal.wait(), max_wait)
