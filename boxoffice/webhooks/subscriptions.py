"""Webhook subscriptions and their delivery state: documents in the ``webhooks`` collection.

One document per subscription holds what an admin asked for (url, event types,
the signing secret) and how far delivery got: ``position`` (every event up to
it is delivered or did not match), ``attempts`` and ``next_attempt_ms`` of the
event being retried, and a lease. A process delivers a subscription only while
it holds the lease (``lease_owner``, ``lease_until_ms``); every write of
delivery state is guarded by the holder's token, so a process whose lease was
taken over changes nothing. Times are integer milliseconds since the epoch.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

Document = dict[str, Any]
ACTIVE = "active"
DISABLED = "disabled"
_PRIVATE = {"secret": False, "lease_owner": False}


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class Subscriptions:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def create(
        self, url: str, events: Iterable[str], after: int, created_by: str
    ) -> Document:
        """A new active subscription to events after position ``after``, with its secret."""
        document = {
            "_id": uuid.uuid4().hex,
            "url": url,
            "events": sorted(set(events)),
            "secret": "whsec_" + secrets.token_urlsafe(32),
            "status": ACTIVE,
            "created_by": created_by,
            "created_ms": now_ms(),
            "position": after,
            "attempts": 0,
            "next_attempt_ms": 0,
            "failing_since_ms": None,
            "last_error": None,
            "disabled_reason": None,
            "lease_owner": None,
            "lease_until_ms": 0,
        }
        await self._collection.insert_one(document)
        return document

    async def listed(self) -> list[Document]:
        """Every subscription, oldest first, without its secret."""
        found = await self._collection.find({}, _PRIVATE).to_list()
        return sorted(found, key=lambda d: (d["created_ms"], d["_id"]))

    async def delete(self, webhook_id: str) -> bool:
        return (await self._collection.delete_one({"_id": webhook_id})).deleted_count == 1

    async def due(self) -> list[Document]:
        """Active subscriptions whose retry time has come and whose lease is free."""
        now = now_ms()
        return await self._collection.find(
            {"status": ACTIVE, "next_attempt_ms": {"$lte": now}, "lease_until_ms": {"$lte": now}}
        ).to_list()

    async def claim(self, webhook_id: str, lease_ms: int) -> tuple[str, Document] | None:
        """Take the lease if it is free (or expired): a token for later writes, and the document."""
        now, token = now_ms(), uuid.uuid4().hex
        claimed = await self._collection.find_one_and_update(
            {
                "_id": webhook_id,
                "status": ACTIVE,
                "next_attempt_ms": {"$lte": now},
                "lease_until_ms": {"$lte": now},
            },
            {"$set": {"lease_owner": token, "lease_until_ms": now + lease_ms}},
            return_document=ReturnDocument.AFTER,
        )
        return None if claimed is None else (token, claimed)

    async def hold(self, webhook_id: str, token: str, position: int, lease_ms: int) -> bool:
        """Record progress up to ``position`` and extend the lease; False once it is lost."""
        return await self._guarded(
            webhook_id, token, position, {"lease_until_ms": now_ms() + lease_ms}
        )

    async def delivered(self, webhook_id: str, token: str, position: int, lease_ms: int) -> bool:
        """The event at ``position`` was acknowledged: failures are forgotten."""
        return await self._guarded(
            webhook_id,
            token,
            position,
            {
                "lease_until_ms": now_ms() + lease_ms,
                "attempts": 0,
                "failing_since_ms": None,
                "last_error": None,
            },
        )

    async def retry_later(
        self, webhook_id: str, token: str, position: int, failure: Document
    ) -> bool:
        """A delivery failed: ``failure`` holds attempts, next_attempt_ms, failing_since_ms,
        last_error. The lease is released."""
        return await self._guarded(
            webhook_id, token, position, {**failure, "lease_owner": None, "lease_until_ms": 0}
        )

    async def disable(
        self, webhook_id: str, token: str, position: int, reason: str, error: str
    ) -> bool:
        return await self._guarded(
            webhook_id,
            token,
            position,
            {
                "status": DISABLED,
                "disabled_reason": reason,
                "last_error": error,
                "lease_owner": None,
                "lease_until_ms": 0,
            },
        )

    async def release(self, webhook_id: str, token: str, position: int) -> bool:
        return await self._guarded(
            webhook_id, token, position, {"lease_owner": None, "lease_until_ms": 0}
        )

    async def _guarded(self, webhook_id: str, token: str, position: int, changes: Document) -> bool:
        result = await self._collection.update_one(
            {"_id": webhook_id, "lease_owner": token},
            {"$set": changes, "$max": {"position": position}},
        )
        return result.matched_count == 1
