"""The request inbox: every booking and order request is recorded before it is decided.

One document per request, and it is three things at once:

* the durable record that makes a 202 true: a request answered "pending" is
  in the store, so any process can show it at its status URL, and a restarted
  or another process decides it (``RequestRecovery``);
* the Idempotency-Key claim: its ``_id`` digests (user, key), so a retry or a
  twin finds the first request's booking id, and its fingerprint refuses the
  same key with another body (a request without a key gets its booking id as
  its key, so it is always first);
* a lease: while the first request is being decided, a twin is told it is in
  flight; after the lease (its holder crashed, or answered 202) a retry
  submits the same booking id again, which the inventory decides only once.

Requests of every show share one ``insert_many`` per cycle (group commit), so
recording costs no round trip of its own: the request is queued while it is
being written.  Times the code compares are epoch milliseconds: nx-27017 turns
a datetime written by ``$set`` into a string.  ``expires_at`` (a date, set on
insert) exists only for MongoDB's TTL index, which purges records after a day
on a real server.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from boxoffice.database import insert_new
from boxoffice.domain.inventory import OrderLine, RequestBooking, lines_of
from boxoffice.domain.orders import PlaceOrder
from boxoffice.eventstore.driver_errors import unavailable
from boxoffice.group_commit import GroupCommit
from boxoffice.projections.instants import iso_utc

KEEP_FOR_MS = 24 * 3600 * 1000
RETRY_SECONDS = 0.25

Document = dict[str, Any]


class KeyInFlight(Exception):
    """The first request with this key has not been decided yet."""


class KeyReusedWithAnotherBody(Exception):
    """The key was used before for a different request."""


BOOKING = "booking"
ORDER = "order"


@dataclass(frozen=True)
class BookingRequest:
    """One request to book, as recorded; ``key`` is its Idempotency-Key, if it came with one."""

    booking_id: str
    user_id: str
    show_id: str
    category: str
    quantity: int
    key: str | None = None

    kind = BOOKING

    @property
    def request_id(self) -> str:
        return self.booking_id

    def renamed(self, booking_id: str) -> BookingRequest:
        """The same request under the booking id an earlier record gave its key."""
        return replace(self, booking_id=booking_id)

    def command(self) -> RequestBooking:
        return RequestBooking(
            self.booking_id, self.show_id, self.category, self.user_id, self.quantity
        )

    def details(self) -> Document:
        return {"show_id": self.show_id, "category": self.category, "quantity": self.quantity}

    def fingerprint(self) -> str:
        return fingerprint(self.details())


@dataclass(frozen=True)
class OrderRequest:
    """One order, as recorded: its items priced when it arrived."""

    order_id: str
    user_id: str
    show_id: str
    lines: tuple[OrderLine, ...]
    hold_seconds: int
    key: str | None = None

    kind = ORDER

    @property
    def request_id(self) -> str:
        return self.order_id

    def renamed(self, order_id: str) -> OrderRequest:
        return replace(self, order_id=order_id)

    def command(self) -> PlaceOrder:
        return PlaceOrder(self.order_id, self.show_id, self.user_id, self.lines, self.hold_seconds)

    def details(self) -> Document:
        return {
            "show_id": self.show_id,
            "items": [line.to_data() for line in self.lines],
            "hold_seconds": self.hold_seconds,
        }

    def fingerprint(self) -> str:
        """What the buyer asked for; prices and hold time may change between two retries."""
        items = sorted((line.category, line.quantity) for line in self.lines)
        return fingerprint({"show_id": self.show_id, "items": items})


Request = BookingRequest | OrderRequest


@dataclass(frozen=True)
class Recorded:
    request_id: str
    first: bool
    """True when this request made the record; False for a retry or a twin."""
    lease_running: bool


def fingerprint(payload: Mapping[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _record_id(user_id: str, key: str) -> str:
    return hashlib.sha256(f"{user_id}\n{key}".encode()).hexdigest()


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def request_of(doc: Document) -> Request:
    if doc.get("kind", BOOKING) == ORDER:
        return OrderRequest(
            doc["request_id"],
            doc["user_id"],
            doc["show_id"],
            lines_of(doc["items"]),
            int(doc["hold_seconds"]),
        )
    return BookingRequest(
        doc["request_id"], doc["user_id"], doc["show_id"], doc["category"], doc["quantity"]
    )


class BookingRequests:
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
        await self._records.create_index([("request_id", ASCENDING)], name="by_request")
        await self._records.create_index([("received_ms", ASCENDING)], name="by_arrival")

    async def record(self, request: Request) -> Recorded:
        """Record the request, or describe the record an earlier request with its key made.

        A fresh record gives the key the request's booking id, so a key reused
        after its record expired books anew.  Raises StoreUnavailable only when
        nothing was sent; an attempt whose answer was lost is sent again until
        the store says what became of it, so a request is never answered 202
        before its record is durable.
        """
        record_id = _record_id(request.user_id, request.key or request.request_id)
        sent = False
        while True:
            try:
                recorded = await self._try_record(record_id, request)
            except PyMongoError as exc:
                failure = unavailable(exc, "recording a booking request", sent=sent)
                if not failure.maybe_written:
                    raise failure from None
                sent = True
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if recorded is not None:
                return recorded
            sent = True

    async def _try_record(self, record_id: str, request: Request) -> Recorded | None:
        """One attempt; None when the record changed under it (try again)."""
        fresh = self._fresh(record_id, request, _now_ms())
        if await self._inserts.submit(fresh):
            return Recorded(request.request_id, first=True, lease_running=True)
        existing = await self._records.find_one({"_id": record_id})
        if existing is None:
            return None
        if existing["request_id"] == request.request_id:
            return Recorded(request.request_id, first=True, lease_running=True)  # ours, landed
        if existing["expires"] <= fresh["received_ms"]:
            replaced = await self._records.replace_one(
                {"_id": record_id, "expires": existing["expires"]}, fresh
            )
            if replaced.modified_count == 1:
                return Recorded(request.request_id, first=True, lease_running=True)
            return None
        if existing.get("kind", BOOKING) != request.kind:
            raise KeyReusedWithAnotherBody()
        if existing["fingerprint"] != request.fingerprint():
            raise KeyReusedWithAnotherBody()
        return Recorded(
            existing["request_id"],
            first=False,
            lease_running=existing["lease_until"] > fresh["received_ms"],
        )

    def _fresh(self, record_id: str, request: Request, now: int) -> Document:
        return {
            "_id": record_id,
            "kind": request.kind,
            "request_id": request.request_id,
            "user_id": request.user_id,
            **request.details(),
            "fingerprint": request.fingerprint(),
            "received_ms": now,
            "lease_until": now + self._lease_ms,
            "expires": now + KEEP_FOR_MS,
            "expires_at": datetime.now(UTC) + timedelta(milliseconds=KEEP_FOR_MS),
        }

    async def find(self, request_id: str) -> tuple[Request, str] | None:
        """The recorded request for a booking or order id, decided or not, and when it arrived."""
        doc = await self._records.find_one({"request_id": request_id})
        if doc is None:
            return None
        return request_of(doc), iso_utc(int(doc["received_ms"]) * 1000)

    async def received_between(self, since_ms: int, until_ms: int, limit: int) -> list[Document]:
        """Records received in [since_ms, until_ms), oldest first, at most ``limit``."""
        found = self._records.find(
            {"received_ms": {"$gte": since_ms, "$lt": until_ms}},
            {"fingerprint": 0, "lease_until": 0, "expires": 0, "expires_at": 0},
        )
        docs = [doc async for doc in found]
        docs.sort(key=lambda doc: int(doc["received_ms"]))
        return docs[:limit]

    async def renew(self, user_id: str, key: str) -> None:
        """A retry takes over a record whose lease ran out."""
        await self._records.update_one(
            {"_id": _record_id(user_id, key)}, {"$set": {"lease_until": _now_ms() + self._lease_ms}}
        )
