"""Realistic histories for the audit and replay tests, written through the real domain and store,
plus forged commits written straight into the events collection, hashes recomputed."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from click.testing import CliRunner, Result
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli import main
from boxoffice.domain.decisions import Command, decide_batch, decide_each
from boxoffice.domain.events import Event, from_stored
from boxoffice.domain.inventory import (
    CancelBooking,
    Inventory,
    RequestBooking,
    decide_cancel,
    fold,
)
from boxoffice.domain.shows import Category, CreateShow, create_show
from boxoffice.domain.streams import inventory_stream, user_stream
from boxoffice.domain.users import register
from boxoffice.eventstore import NO_STREAM, EventStore, ExpectedVersion, NewEvent
from boxoffice.eventstore.commits import build_commit
from boxoffice.eventstore.hashing import GENESIS
from boxoffice.eventstore.model import new_id

PASSWORD_HASH = "$2b$04$abcdefghijklmnopqrstuuSECRETSECRETSECRETSECRETSECRE"


def new_events(events: list[Event]) -> list[NewEvent]:
    return [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]


async def append(
    store: EventStore, stream: str, events: list[Event], expected: ExpectedVersion
) -> None:
    await store.append(stream, new_events(events), expected)


async def open_show(
    store: EventStore,
    *,
    capacity: int = 10,
    categories: tuple[str, ...] = ("A",),
    per_user_limit: int | None = None,
) -> str:
    show_id = uuid.uuid4().hex[:12]
    command = CreateShow(
        show_id=show_id,
        title="Hamlet",
        venue="Globe",
        starts_at="2030-01-01T19:30:00Z",
        categories=tuple(Category(code, code, "10.00", "EUR", capacity) for code in categories),
        per_user_limit=per_user_limit,
        created_by="admin",
    )
    for stream, events in create_show(command):
        await append(store, stream, events, NO_STREAM)
    return show_id


async def register_user(store: EventStore, email: str) -> None:
    await append(
        store, user_stream(email), register(new_id(), email, "Ann", PASSWORD_HASH), NO_STREAM
    )


class InventoryWriter:
    """Decides bookings (of one category) and cancellations of a show like the booking worker."""

    def __init__(self, store: EventStore, show_id: str, category: str, state: Inventory) -> None:
        self.store, self.show_id, self.category, self.state = store, show_id, category, state

    @property
    def stream(self) -> str:
        return inventory_stream(self.show_id)

    @classmethod
    async def load(cls, store: EventStore, show_id: str, category: str = "A") -> InventoryWriter:
        recorded = await store.read_stream(inventory_stream(show_id))
        return cls(store, show_id, category, fold(from_stored(e.type, e.data) for e in recorded))

    async def book(self, *requests: tuple[str, int]) -> list[str]:
        """Booking ids of ``(user_id, quantity)`` requests, decided and appended in one commit."""
        commands = [
            RequestBooking(new_id(), self.show_id, self.category, user, quantity)
            for user, quantity in requests
        ]
        events, state = decide_batch(self.state, commands)
        await append(self.store, self.stream, events, self.state.version)
        self.state = state
        return [c.booking_id for c in commands]

    async def decide(self, *commands: Command, now_ms: int = 0) -> list[Event]:
        """Any inventory commands (orders, payments, expiries), decided and appended together."""
        outcome = decide_each(self.state, commands, now_ms)
        await append(self.store, self.stream, outcome.events, self.state.version)
        self.state = outcome.state
        return outcome.events

    async def cancel(self, booking_id: str) -> None:
        owner = self.state.bookings[booking_id].user_id
        events = decide_cancel(self.state, CancelBooking(booking_id, owner))
        await append(self.store, self.stream, events, self.state.version)
        fold(events, self.state)


async def forge_commit(database: AsyncDatabase[dict], stream: str, events: list[Event]) -> int:
    """Insert a commit at the head of the log with correctly chained hashes; return its position."""
    commits = database.events
    last_in_stream = await commits.find_one(
        {"stream": stream, "v": {"$gte": 1}}, sort=[("v", DESCENDING)]
    )
    head = await commits.find_one({"_id": {"$gte": 1}}, sort=[("_id", DESCENDING)])
    doc: dict[str, Any] = build_commit(
        stream,
        new_events(events),
        base_version=last_in_stream["v"] + last_in_stream["n"] - 1 if last_in_stream else 0,
        previous_hash=last_in_stream["h"] if last_in_stream else GENESIS,
        commit_id=new_id(),
        recorded_at=head["at"],
    )
    doc["_id"] = head["_id"] + head["n"] if head else 1
    await commits.insert_one(doc)
    return int(doc["_id"])


async def boxoffice(mongo_uri: str, db_name: str, *args: str) -> Result:
    """Run the CLI on the test's database, in a thread: it runs its own event loop."""
    env = {"MONGODB_URI": mongo_uri, "BOXOFFICE_DB_NAME": db_name}
    return await asyncio.to_thread(
        CliRunner().invoke, main, list(args), env=env, catch_exceptions=False
    )
