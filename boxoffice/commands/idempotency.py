"""Idempotency-Key claims: one per (user, key), kept at least 24 hours.

A claim records the request's fingerprint and the booking id it was given.
It is the only write a keyed request adds, and concurrent claims share one
``insert_many`` (group commit).  There is no "response" record: the booking id
makes the inventory recognise a retried booking it has already decided, and
the reply is a pure function of that decision, so a retry re-renders exactly
the response the first request got.  While the first request is undecided and
its lease runs, a twin is told it is in flight; after the lease (its holder
crashed, or answered 202 or 503), a retry simply submits the same booking id
again, which is harmless.

Times the code compares are epoch milliseconds: nx-27017 turns a datetime
written by ``$set`` into a string.  ``expires_at`` (a date, set on insert)
exists only for MongoDB's TTL index, which purges old claims on a real server.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.database import insert_new
from boxoffice.group_commit import GroupCommit

KEEP_FOR_MS = 24 * 3600 * 1000

Document = dict[str, Any]


class KeyInFlight(Exception):
    """The first request with this key has not been decided yet."""


class KeyReusedWithAnotherBody(Exception):
    """The key was used before for a different request."""


@dataclass(frozen=True)
class Claim:
    booking_id: str
    first: bool
    """True when this request made the claim; False for a retry or a twin."""
    lease_running: bool


def fingerprint(payload: Mapping[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _record_id(user_id: str, key: str) -> str:
    return hashlib.sha256(f"{user_id}\n{key}".encode()).hexdigest()


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class IdempotencyKeys:
    def __init__(self, collection: AsyncCollection[Document], lease_seconds: float) -> None:
        self._records = collection
        self._lease_ms = int(lease_seconds * 1000)
        self._inserts: GroupCommit[Document, bool] = GroupCommit(
            functools.partial(insert_new, collection)
        )

    async def ensure_indexes(self) -> None:
        await self._records.create_index(
            [("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry"
        )

    async def claim(
        self, user_id: str, key: str, request_fingerprint: str, booking_id: str | None = None
    ) -> Claim:
        """Claim the key for this request, or describe the claim already made.

        A fresh claim gives the key ``booking_id`` (a new one when None), so a
        key reused after its claim expired books anew.
        """
        record_id = _record_id(user_id, key)
        booking_id = booking_id or uuid.uuid4().hex
        while True:
            now = _now_ms()
            fresh = self._fresh(record_id, request_fingerprint, booking_id, now)
            if await self._inserts.submit(fresh):
                return Claim(fresh["booking_id"], first=True, lease_running=True)
            existing = await self._records.find_one({"_id": record_id})
            if existing is None:
                continue
            if existing["expires"] <= now:
                replaced = await self._records.replace_one(
                    {"_id": record_id, "expires": existing["expires"]}, fresh
                )
                if replaced.modified_count == 1:
                    return Claim(fresh["booking_id"], first=True, lease_running=True)
                continue
            if existing["fingerprint"] != request_fingerprint:
                raise KeyReusedWithAnotherBody()
            return Claim(
                existing["booking_id"], first=False, lease_running=existing["lease_until"] > now
            )

    def _fresh(
        self, record_id: str, request_fingerprint: str, booking_id: str, now: int
    ) -> Document:
        return {
            "_id": record_id,
            "fingerprint": request_fingerprint,
            "booking_id": booking_id,
            "lease_until": now + self._lease_ms,
            "expires": now + KEEP_FOR_MS,
            "expires_at": datetime.now(UTC) + timedelta(milliseconds=KEEP_FOR_MS),
        }

    async def renew(self, user_id: str, key: str) -> None:
        """A retry takes over a claim whose lease ran out."""
        await self._records.update_one(
            {"_id": _record_id(user_id, key)}, {"$set": {"lease_until": _now_ms() + self._lease_ms}}
        )

    async def release(self, user_id: str, key: str) -> None:
        """End the lease early (the request failed undecided): the next retry goes ahead at once."""
        await self._records.update_one(
            {"_id": _record_id(user_id, key)}, {"$set": {"lease_until": 0}}
        )
