"""Idempotency-Key records: replay a finished response, refuse a different body or a twin in flight.

A key is scoped to its user and kept for at least 24 hours.  The record only
remembers *responses*; what makes a retried booking safe is that its booking
id is derived from (user, key), so the inventory recognises a booking it has
already decided even if this record was lost (a crash between the append and
``complete``).  A claim whose holder died is taken over once its lease runs out.

Times the code compares are epoch milliseconds: nx-27017 turns a datetime
written by ``$set`` into a string.  ``expires_at`` (a date) exists only for
MongoDB's TTL index, which purges old records on a real server.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

KEEP_FOR_MS = 24 * 3600 * 1000
LEASE_MS = 30 * 1000
_NAMESPACE = uuid.UUID("6f1c2d0e-8b4a-4a51-9a59-5c0d7e2b9f11")


class KeyInFlight(Exception):
    """The first request with this key has not finished yet."""


class KeyReusedWithAnotherBody(Exception):
    """The key was used before for a different request."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


def booking_id_for(user_id: str, key: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{user_id}\n{key}").hex


def fingerprint(payload: Mapping[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _record_id(user_id: str, key: str) -> str:
    return hashlib.sha256(f"{user_id}\n{key}".encode()).hexdigest()


class IdempotencyKeys:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._records = collection

    async def ensure_indexes(self) -> None:
        # Real MongoDB purges expired records; the code below never trusts one that has expired.
        await self._records.create_index(
            [("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry"
        )

    async def claim(
        self, user_id: str, key: str, request_fingerprint: str
    ) -> StoredResponse | None:
        """None when the caller now owns the request; the stored response when it already ran."""
        record_id = _record_id(user_id, key)
        while True:
            moment = datetime.now(UTC)
            now = _millis(moment)
            fresh = {
                "_id": record_id,
                "fingerprint": request_fingerprint,
                "state": "in_flight",
                "lease_until": now + LEASE_MS,
                "expires": now + KEEP_FOR_MS,
                "expires_at": moment + timedelta(milliseconds=KEEP_FOR_MS),
            }
            try:
                await self._records.insert_one(fresh)
                return None
            except DuplicateKeyError:
                existing = await self._records.find_one({"_id": record_id})
            if existing is None:
                continue
            if existing["expires"] <= now:
                if await self._swap(existing, {k: v for k, v in fresh.items() if k != "_id"}):
                    return None
                continue
            if existing["fingerprint"] != request_fingerprint:
                raise KeyReusedWithAnotherBody()
            if existing["state"] == "done":
                return StoredResponse(existing["status"], existing["body"])
            if existing["lease_until"] > now:
                raise KeyInFlight()
            if await self._swap(existing, {"lease_until": now + LEASE_MS}):
                return None

    async def _swap(self, seen: Mapping[str, Any], changes: Mapping[str, Any]) -> bool:
        """Compare-and-set on the lease: of several takers, exactly one wins."""
        result = await self._records.update_one(
            {"_id": seen["_id"], "lease_until": seen["lease_until"], "state": seen["state"]},
            {"$set": dict(changes)},
        )
        return result.modified_count == 1

    async def complete(self, user_id: str, key: str, response: StoredResponse) -> None:
        await self._records.update_one(
            {"_id": _record_id(user_id, key)},
            {"$set": {"state": "done", "status": response.status, "body": response.body}},
        )

    async def release(self, user_id: str, key: str) -> None:
        """Give the claim up (no final answer yet): the next retry takes it over at once."""
        await self._records.update_one(
            {"_id": _record_id(user_id, key), "state": "in_flight"},
            {"$set": {"lease_until": 0}},
        )
