"""The event store on MongoDB: one document per commit, positions reserved, readers at a high-water mark.

An append is ONE insert of a commit document holding all its events, so it is
atomic without transactions (the embedded server does not isolate concurrent
transactions; a single-document insert is atomic everywhere).  Unique indexes
carry every promise:

* ``(stream, v)`` where ``v`` is the commit's first version, expected_version
  + 1: only one commit can extend a stream version.  An exact expectation is
  first checked to be the end of an existing commit, so versions stay 1, 2, 3.
* ``cid``, the commit id: a retried append stores nothing new.
* ``_id``, the global position of the commit's first event, reserved in
  ranges (``positions.py``) and written by the cross-stream group commit
  (``commit_writer.py``), so appends of different streams never wait for one
  another's round trip, in one process or across processes.

Readers walk the log position by position and stop at the first empty one,
so a commit that lands late is never skipped; a position left empty below
later commits for ``seal_after`` seconds is sealed with a tombstone, which a
late writer meets as a duplicate key (it then writes again, higher up).
Positions therefore rise strictly but may skip sealed numbers.

How it reads: only point lookups and ``$in`` on ``_id``, and equality on a
single-field index, with no server-side sort.  On nx-27017 a range or a sort
loads and decodes every matching document in Python, while ``_id`` lookups
stay at a millisecond; on a real MongoDB both are index reads.  The commit
after the one at position p starts at p + n, so the log is walked as a chain,
a window of positions per probe.  The head is found from a hint, the highest
end that a walk reached with nothing missing below it; the hint may lag,
never lead.  The newest commits this process wrote or read are kept in memory
(only once stored), so its projectors read them without a round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from .commit_writer import CommitWriter, Refusal
from .commits import build_commit, commit_result, decode_commit
from .driver_errors import unavailable
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
    check_append,
    new_id,
)
from .positions import Positions, is_tombstone

Document = dict[str, Any]
STREAM_HEAD_CACHE = 50_000
BOUNDARY_CACHE = 50_000
RECENT_COMMITS = 256
TAIL_WALK_PROBES = 2
HEAD_PROBE_SECONDS = 0.05
HEAD_HINT_DELAY = 0.5
SEAL_AFTER_SECONDS = 2.0
GAPS_REMEMBERED = 64
HURRIED_REMEMBERED = 64
MIN_WINDOW, MAX_WINDOW, COMMITS_PER_PROBE = 32, 4_000, 16


def _now() -> datetime:
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _seconds_in(seen: dict[int, float], position: int, complete_up_to: int) -> float:
    """How long ``position`` has been in ``seen`` (0 when it enters now); positions a walk
    has passed since are forgotten, so ``seen`` stays small."""
    now = asyncio.get_running_loop().time()
    if len(seen) > GAPS_REMEMBERED:
        for passed in [p for p in seen if p < complete_up_to]:
            del seen[passed]
    return now - seen.setdefault(position, now)


@dataclass
class _Walk:
    """Where a walk of the chain stopped: at the end of the log, or at an empty position
    below later commits (a gap, still being written or about to be sealed)."""

    end: int = 0
    at_gap: bool = False
    probes: int = 0


class MongoEventStore:
    """EventStore on a MongoDB collection of commit documents (see module docstring)."""

    def __init__(
        self,
        database: AsyncDatabase[Document],
        collection: str = "events",
        *,
        seal_after: float = SEAL_AFTER_SECONDS,
    ) -> None:
        self.commits: AsyncCollection[Document] = database[collection]
        self._head_hint: AsyncCollection[Document] = database[f"{collection}_head"]
        self._positions = Positions(database[f"{collection}_positions"], self.commits)
        self._writer = CommitWriter(self.commits, self._positions, self._stored)
        self._seal_after = seal_after
        self._stream_heads: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self._stream_ends: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._boundaries: OrderedDict[int, None] = OrderedDict()
        self._recent: OrderedDict[int, Document] = OrderedDict()
        self._decoded: dict[int, list[RecordedEvent]] = {}
        self._ends_seen: dict[int, float] = {}
        """Empty positions with nothing seen above them, and since when."""
        self._gaps_seen: dict[int, float] = {}
        """Empty positions below reserved or written ones, and since when."""
        self._complete_up_to = 1
        self._stored_event_end = 0
        self._hurried_past: OrderedDict[int, None] = OrderedDict()
        self._hint_target = 0
        self._hint_writer: asyncio.Task[None] | None = None
        self._appended = asyncio.Event()

    async def ensure_indexes(self) -> None:
        """Idempotent; run at start-up."""
        try:
            await self.commits.create_index(
                [("stream", ASCENDING), ("v", ASCENDING)], unique=True, name="stream_version"
            )
            await self.commits.create_index([("cid", ASCENDING)], unique=True, name="commit_id")
            # Stream reads query this single-field index: nx-27017 does not use the compound one.
            await self.commits.create_index([("stream", ASCENDING)], name="stream")
            await self._positions.ensure_counter()
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
        check_append(events, expected_version)
        commit_id = commit_id or new_id()
        try:
            return await self._append(stream, events, expected_version, commit_id)
        except PyMongoError as exc:
            raise unavailable(exc, f"append to {stream!r}") from None

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
            outcome = await self._writer.write(doc)
            if outcome is not Refusal.STREAM_TAKEN:
                return commit_result(outcome.doc, duplicate=outcome.duplicate)
            self._stream_heads.pop(stream, None)
            if expected is not StreamState.ANY:
                raise WrongExpectedVersion(stream, expected)

    def _stored(self, docs: list[Document]) -> None:
        """The writer stored these: local readers find them without a round trip."""
        for doc in docs:
            self._remember_boundary(doc["_id"] + doc["n"])
            self._remember_commit(doc)
            self._remember_stream_end(doc)
            if not is_tombstone(doc):
                self._stored_event_end = max(self._stored_event_end, doc["_id"] + doc["n"] - 1)
        if docs:
            self._notify()

    async def _end_of_log(self) -> int:
        """The position after the last commit reachable from the hint with nothing missing."""
        walk = _Walk()
        async for _ in self._chain(await self._hinted_start(), {"n": 1}, walk=walk):
            pass
        return walk.end

    async def _hinted_start(self) -> int:
        hint = await self._head_hint.find_one({"_id": "log"})
        self._complete_up_to = max(self._complete_up_to, int(hint["next"]) if hint else 1)
        return self._complete_up_to

    async def _chain(
        self,
        start: int,
        projection: Document | None = None,
        *,
        fresh: bool = False,
        walk: _Walk | None = None,
    ) -> AsyncIterator[Document]:
        """The commits from the one starting at ``start``, each followed by the next, to the end.

        Each probe asks for every id in a window of positions at once; the
        window grows with the commits' size so a probe returns about
        COMMITS_PER_PROBE of them.  The walk stops at the first position with
        no commit: an event never becomes visible before the ones below it.
        ``fresh`` asks the store at the end even if it was asked a moment ago.
        """
        walk = walk if walk is not None else _Walk()
        expected, window = start, MIN_WINDOW
        while True:
            while (recent := self._recent.get(expected)) is not None:
                expected = recent["_id"] + recent["n"]
                yield recent
            walk.end, walk.at_gap = expected, False
            self._walked(start, expected)
            if not fresh and self._probed_lately(expected):
                return
            walk.probes += 1
            ids = list(range(expected, expected + window))
            found = {
                doc["_id"]: doc
                async for doc in self.commits.find({"_id": {"$in": ids}}, projection)
            }
            first, walked = expected, 0
            while expected in found:
                doc = found.pop(expected)
                expected = doc["_id"] + doc["n"]
                walked += 1
                self._remember_boundary(expected)
                if projection is None:
                    self._remember_commit(doc)
                yield doc
            walk.end = expected
            self._walked(start, expected)
            if walked:
                average_size = (expected - first) // walked
                window = min(MAX_WINDOW, max(MIN_WINDOW, average_size * COMMITS_PER_PROBE))
                continue
            next_commit = await self._next_commit(expected, found)
            if next_commit is None:
                return
            if not await self._sealed_if_stale(expected, next_commit):
                walk.at_gap = True
                return

    async def _next_commit(self, empty: int, window: dict[int, Document]) -> int | None:
        """Where the log goes on above the empty position ``empty``: None at its end as far as
        is known.

        A writer may have reserved more positions than a probe's window holds,
        so a position that stays empty is looked past: up to the last position
        reserved, a window at a time.  Only then, so the end of the log costs
        its usual single probe.
        """
        later = [position for position in window if position > empty]
        if later:
            return min(later)
        if _seconds_in(self._ends_seen, empty, self._complete_up_to) < self._seal_after:
            return None
        last = await self._positions.last_reserved()
        if last < empty:
            self._ends_seen[empty] = asyncio.get_running_loop().time()  # the end: look again later
            return None
        for start in range(empty + 1, last + 1, MAX_WINDOW):
            ids = list(range(start, min(start + MAX_WINDOW, last + 1)))
            found = [
                doc["_id"] async for doc in self.commits.find({"_id": {"$in": ids}}, {"_id": 1})
            ]
            if found:
                return int(min(found))
        return last + 1

    def _walked(self, start: int, end: int) -> None:
        """A walk from ``start`` reached ``end`` with nothing missing on the way."""
        if start <= self._complete_up_to < end:
            self._complete_up_to = end
            self._advance_hint(end)

    async def _sealed_if_stale(self, gap: int, next_commit: int) -> bool:
        """Seal the empty positions from ``gap`` on that have each stayed empty for
        ``seal_after`` seconds: their writer is gone (or so late it will write again).

        Each position has its own clock, so a range reserved a moment ago by a
        live writer next to a dead one is left to land.
        """
        now = asyncio.get_running_loop().time()
        if len(self._gaps_seen) > 2 * MAX_WINDOW:
            for passed in [p for p in self._gaps_seen if p < self._complete_up_to]:
                del self._gaps_seen[passed]
        stale_end = gap
        for position in range(gap, min(next_commit, gap + MAX_WINDOW)):
            first_seen = self._gaps_seen.setdefault(position, now)
            if stale_end == position and now - first_seen >= self._seal_after:
                stale_end = position + 1
        if stale_end == gap:
            return False
        for position in range(gap, stale_end):
            del self._gaps_seen[position]
        await self._positions.seal(range(gap, stale_end))
        return True

    def _probed_lately(self, position: int) -> bool:
        """True when asking the store what starts at ``position`` would tell nothing new.

        Either this process is inserting a batch that holds ``position`` (its
        landing wakes every local reader), or a batch that ended just below
        ``position`` landed a moment ago.  The projectors that follow every
        local append to the end of the log thus need no round trip of their
        own; another process's commit there is found on the next probe, at
        most HEAD_PROBE_SECONDS after the local write landed.
        """
        if position in self._writer.writing:
            return True
        free, since = self._writer.free_since
        return position == free and asyncio.get_running_loop().time() - since < HEAD_PROBE_SECONDS

    def _remember_commit(self, doc: Document) -> None:
        """Keep the newest committed commits: local readers (the projectors) then need no round trip."""
        self._recent[doc["_id"]] = doc
        while len(self._recent) > RECENT_COMMITS:
            evicted, _ = self._recent.popitem(last=False)
            self._decoded.pop(evicted, None)

    def _events_of(self, doc: Document) -> list[RecordedEvent]:
        """Decoded once per commit however many local readers ask (decoding dominates reading)."""
        cached = self._decoded.get(doc["_id"])
        if cached is None:
            cached = decode_commit(doc)
            if doc["_id"] in self._recent:
                self._decoded[doc["_id"]] = cached
        return cached

    def _remember_boundary(self, position: int) -> None:
        self._boundaries[position] = None
        self._boundaries.move_to_end(position)
        while len(self._boundaries) > BOUNDARY_CACHE:
            self._boundaries.popitem(last=False)

    def _advance_hint(self, next_position: int) -> None:
        self._hint_target = max(self._hint_target, next_position)
        if self._hint_writer is None or self._hint_writer.done():
            self._hint_writer = asyncio.create_task(self._write_hint())

    async def _write_hint(self) -> None:
        """Record the highest complete end known here, coalescing a burst into one write."""
        written = 0
        while written < self._hint_target:
            await asyncio.sleep(HEAD_HINT_DELAY)
            target = self._hint_target
            try:
                await self._head_hint.update_one(
                    {"_id": "log"}, {"$max": {"next": target}}, upsert=True
                )
            except PyMongoError:
                return  # advisory only: the next walk tries again
            written = target

    async def _commit_containing(self, position: int) -> int | None:
        """Where the commit holding ``position`` starts, or None past the end of the log.

        A tombstone there does not settle it: a reader may have sealed the
        inside of a commit that landed a moment before.
        """
        if position in self._recent or position in self._boundaries:
            return position
        if self._probed_lately(position):
            return None
        starting = await self.commits.find_one({"_id": position}, {"stream": 1})
        if starting is not None and not is_tombstone(starting):
            return position
        earliest = max(1, position - MAX_EVENTS_PER_APPEND + 1)
        ids = list(range(earliest, position + 1))
        found = self.commits.find({"_id": {"$in": ids}}, {"n": 1, "stream": 1})
        holders = [doc async for doc in found if not is_tombstone(doc)]
        holder = max(holders, key=lambda doc: int(doc["_id"]), default=None)
        if holder is not None and holder["_id"] + holder["n"] > position:
            return int(holder["_id"])
        return position  # empty or sealed: the walk from here goes on or waits

    async def _base_of(self, stream: str, expected: ExpectedVersion) -> tuple[int, str]:
        """(version, hash) of the commit end this append builds on, or WrongExpectedVersion."""
        if expected is NO_STREAM or expected == 0:
            return 0, GENESIS
        known = self._stream_heads.get(stream)
        if known is not None and (expected is StreamState.ANY or known[0] == expected):
            return known
        query: Document = {"stream": stream}
        if isinstance(expected, int):
            query["v"] = {"$lte": expected, "$gte": max(1, expected - MAX_EVENTS_PER_APPEND + 1)}
        candidates = [doc async for doc in self.commits.find(query, {"v": 1, "n": 1, "h": 1})]
        last = max(candidates, key=lambda doc: int(doc["v"]), default=None)
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
            seen = self._stream_ends.get(stream)
            if seen is not None and seen[0] == from_version - 1:
                tail = await self._tail_from_log(stream, after=seen[1])
                if tail is not None:
                    return [e for doc in tail for e in decode_commit(doc)]
            start = 1
            if from_version > 1:
                near = {
                    "$lte": from_version,
                    "$gte": max(1, from_version - MAX_EVENTS_PER_APPEND + 1),
                }
                holders = [
                    d async for d in self.commits.find({"stream": stream, "v": near}, {"v": 1})
                ]
                start = max((int(d["v"]) for d in holders), default=1)
            docs = [d async for d in self.commits.find({"stream": stream, "v": {"$gte": start}})]
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading {stream!r} failed: {exc}") from None
        docs.sort(key=lambda doc: int(doc["v"]))
        if docs:
            self._remember_stream_end(docs[-1])
        return [e for doc in docs for e in decode_commit(doc) if e.version >= from_version]

    async def _tail_from_log(self, stream: str, after: int) -> list[Document] | None:
        """The stream's commits after log position ``after`` (the end of its last one known here),
        found by walking the log from there; None if that walk needs more than TAIL_WALK_PROBES
        round trips (other streams wrote much since) or meets a gap.

        This is how a booking worker catches up after another process appended to
        its stream: that commit lies just past ``after``, usually still in memory,
        while the stream index would make the embedded server decode every commit
        of a long stream.  Past a gap the stream may have moved on: the index answers.
        """
        tail: list[Document] = []
        walk = _Walk()
        async for doc in self._chain(after + 1, fresh=True, walk=walk):
            if walk.probes > TAIL_WALK_PROBES:
                return None
            if doc["stream"] == stream:
                tail.append(doc)
        if walk.at_gap:
            return None
        if tail:
            self._remember_stream_end(tail[-1])
        return tail

    def _remember_stream_end(self, doc: Document) -> None:
        """Note where a stream's newest commit known here ends: its version and log position."""
        self._remember_head(doc["stream"], doc["v"] + doc["n"] - 1, doc["h"])
        end = (doc["v"] + doc["n"] - 1, doc["_id"] + doc["n"] - 1)
        if end > self._stream_ends.get(doc["stream"], (0, 0)):
            self._stream_ends[doc["stream"]] = end
        self._stream_ends.move_to_end(doc["stream"])
        while len(self._stream_ends) > STREAM_HEAD_CACHE:
            self._stream_ends.popitem(last=False)

    async def read_all(
        self, after: int = 0, limit: int | None = None
    ) -> AsyncIterator[RecordedEvent]:
        remaining = limit if limit is not None else -1
        try:
            start = await self._commit_containing(after + 1)
            if start is None:
                return
            async for doc in self._chain(start):
                for event in self._events_of(doc):
                    if event.position <= after:
                        continue
                    if remaining == 0:
                        return
                    remaining -= 1
                    yield event
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the log failed: {exc}") from None

    async def head_position(self) -> int:
        try:
            return await self._end_of_log() - 1
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the log head failed: {exc}") from None

    async def wait_for_events(self, after: int, max_wait: float) -> None:
        """Local appends wake waiters at once; other processes' appends are seen on the next poll.

        An append that landed between the caller's last read and this call has
        already fired its signal, so an event stored here past ``after`` returns
        at once instead of sleeping through ``max_wait``; once per ``after``, so
        a reader held below a gap or facing only tombstones waits instead of
        spinning.
        """
        if self._stored_event_end > after and after not in self._hurried_past:
            self._hurried_past[after] = None
            while len(self._hurried_past) > HURRIED_REMEMBERED:
                self._hurried_past.popitem(last=False)
            return
        signal = self._appended
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signal.wait(), max_wait)
