"""Cross-stream group commit: every commit ready in this process goes out in one insert.

Appends of different streams never wait for each other's round trip: those
that arrive while a batch is being written form the next batch, which takes
one ``$inc`` for its positions and one unordered ``insert_many`` whatever the
number of streams in it.  Each commit then succeeds or fails on its own unique
keys, exactly as a lone insert would:

* ``(stream, v)`` taken: another writer extended the stream first, a
  version conflict;
* ``cid`` taken: the commit was stored before (a retried append);
* only ``_id`` taken: a reader sealed the position while this insert was late,
  so the commit is written again at freshly reserved positions.

Which key refused a document is read back rather than parsed from the error,
which servers word differently.  Positions of commits that did not land are
sealed at once, so readers need not wait for them to go stale.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from boxoffice.database import insert_new
from boxoffice.group_commit import GroupCommit

from .driver_errors import unavailable
from .positions import Positions

Document = dict[str, Any]


class Refusal(enum.Enum):
    STREAM_TAKEN = "stream_taken"


@dataclass(frozen=True)
class Stored:
    """The commit as it is in the store: the one written, or the one stored earlier under its id."""

    doc: Document
    duplicate: bool


Outcome = Stored | Refusal
Landed = Callable[[list[Document]], None]
"""Told of the documents (commits and tombstones) a batch put in the store."""


class CommitWriter:
    def __init__(
        self,
        commits: AsyncCollection[Document],
        positions: Positions,
        landed: Landed,
        max_batch: int = 1_000,
    ) -> None:
        self._commits = commits
        self._positions = positions
        self._landed = landed
        self._unsettled: list[int] = []
        self.free_since: tuple[int, float] = (0, 0.0)
        """(position, loop time): the position after the last range this process wrote, and
        when that write landed.  Nothing of this process's is there, and another process's
        commit there is at most as recent: a local reader treats it as a fresh probe."""
        self.writing = range(0)
        """The positions of the batch being inserted now: its landing notifies local readers."""
        self._group: GroupCommit[Document, Outcome] = GroupCommit(self._write, max_batch)

    async def write(self, doc: Document) -> Outcome:
        """Store one commit document (its ``_id`` is assigned here)."""
        return await self._group.submit(doc)

    async def _write(self, docs: list[Document]) -> list[Outcome | Exception]:
        """Every document's outcome; when the store stops answering, the documents without
        one get StoreUnavailable (saying whether they may have been written)."""
        outcomes: dict[int, Outcome] = {}
        try:
            await self._seal_unsettled()
            await self._write_all(docs, outcomes)
        except PyMongoError as exc:
            # Positions still unsettled: an insert went out and its answer was lost.
            failure = unavailable(exc, "append", sent=bool(self._unsettled))
            return [outcomes.get(i, failure) for i in range(len(docs))]
        return [outcomes[i] for i in range(len(docs))]

    async def _write_all(self, docs: list[Document], outcomes: dict[int, Outcome]) -> None:
        """Fill in ``outcomes`` (by index into ``docs``) until every document has one."""
        todo = list(range(len(docs)))
        while todo:
            batch = [docs[i] for i in todo]
            await self._place(batch)
            self._unsettled = [doc["_id"] for doc in batch]
            self.writing = range(batch[0]["_id"], batch[-1]["_id"] + batch[-1]["n"])
            try:
                refused = await self._insert(batch)
            finally:
                self.writing = range(0)
            self.free_since = (batch[-1]["_id"] + batch[-1]["n"], asyncio.get_running_loop().time())
            self._unsettled = []
            retry: list[int] = []
            abandoned: list[int] = []
            for i, doc in zip(todo, batch, strict=True):
                if doc["_id"] not in refused:
                    outcomes[i] = Stored(doc, duplicate=False)
                    continue
                outcome = await self._why_refused(doc)
                if outcome is None:
                    retry.append(i)
                else:
                    outcomes[i] = outcome
                    abandoned.extend(range(doc["_id"], doc["_id"] + doc["n"]))
            stones = await self._positions.seal(abandoned)
            landed = [doc for doc in batch if doc["_id"] not in refused]
            self._landed(landed + stones)
            todo = retry

    async def _place(self, batch: list[Document]) -> None:
        """Give the batch consecutive fresh positions."""
        position = await self._positions.reserve(sum(doc["n"] for doc in batch))
        for doc in batch:
            doc["_id"] = position
            position += doc["n"]

    async def _insert(self, batch: list[Document]) -> set[int]:
        """Insert every document on its own; the positions of those a unique key refused."""
        inserted = await insert_new(self._commits, batch)
        return {doc["_id"] for doc, landed in zip(batch, inserted, strict=True) if not landed}

    async def _why_refused(self, doc: Document) -> Outcome | None:
        """Which unique key refused ``doc``; None when only its position was taken."""
        stored = await self._commits.find_one({"cid": doc["cid"]})
        if stored is not None:
            return Stored(stored, duplicate=True)
        if await self._commits.find_one({"stream": doc["stream"], "v": doc["v"]}, {"_id": 1}):
            return Refusal.STREAM_TAKEN
        return None

    async def _seal_unsettled(self) -> None:
        """Seal the first positions of a batch whose insert failed without an answer.

        Whatever became of it, its callers were told the store did not answer
        and retry under the same commit ids, at new positions; a commit that
        did land keeps its position (the tombstone meets its ``_id``).  Only
        first positions: the others may lie inside a commit that landed.
        """
        if self._unsettled:
            positions, self._unsettled = self._unsettled, []
            self._landed(await self._positions.seal(positions))
