"""The ``seals`` collection: one document per sealed position, ``_id`` = the position.

Two sealers that seal the same position race for the same ``_id``; the first
insert stays and the other reads it back, so a duplicate is harmless.  The
latest seal is the sealer's checkpoint.  Queries on ``_id`` always carry a
range: nx-27017 sorts integers as text under an empty filter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from boxoffice.eventstore import StoreUnavailable

from .seal import MalformedSeal, Seal, seal_from

Document = dict[str, Any]
SEALS = "seals"
ALL = {"_id": {"$gte": 0}}


class SealRecords:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._seals = database[SEALS]

    async def latest(self) -> Seal | None:
        try:
            doc = await self._seals.find_one(ALL, sort=[("_id", DESCENDING)])
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the latest seal failed: {exc}") from None
        return None if doc is None else seal_from(doc)

    async def exist(self) -> bool:
        try:
            return await self._seals.find_one(ALL, {"_id": 1}) is not None
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the seals failed: {exc}") from None

    async def add(self, seal: Seal) -> tuple[Seal, bool]:
        """(the seal stored at its position, whether this call stored it)."""
        record = seal.record()
        doc = {"_id": record.pop("position"), **record}
        try:
            await self._seals.insert_one(doc)
            return seal, True
        except DuplicateKeyError:
            stored = await self._seals.find_one({"_id": seal.position})
        except PyMongoError as exc:
            raise StoreUnavailable(f"storing the seal at {seal.position} failed: {exc}") from None
        if stored is None:
            raise StoreUnavailable(f"the seal at {seal.position} vanished while it was read")
        return seal_from(stored), False

    async def all(self) -> AsyncIterator[Seal | MalformedSeal]:
        """Every seal in position order; one that cannot be read is handed back as the error."""
        try:
            async for doc in self._seals.find(ALL).sort("_id", ASCENDING):
                try:
                    yield seal_from(doc)
                except MalformedSeal as exc:
                    yield exc
        except PyMongoError as exc:
            raise StoreUnavailable(f"reading the seals failed: {exc}") from None
