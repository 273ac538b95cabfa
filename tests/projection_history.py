"""Realistic histories for projection tests: shows, users, bookings, rejections, cancellations.

Events are decided by the domain (``create_show``, ``decide_batch``,
``decide_cancel``) and appended straight to the store, one commit per batch.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

from boxoffice.domain.decisions import decide_batch, decide_each
from boxoffice.domain.events import Event, RoleGranted
from boxoffice.domain.inventory import (
    CONFIRMED,
    CancelBooking,
    Inventory,
    RequestBooking,
    fold,
)
from boxoffice.domain.shows import Category, CreateShow, create_show
from boxoffice.domain.streams import user_stream
from boxoffice.domain.users import ADMIN, register
from boxoffice.eventstore import NO_STREAM, AppendResult, EventStore, NewEvent


def new_events(events: Sequence[Event]) -> list[NewEvent]:
    return [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]


class History:
    def __init__(self, store: EventStore, seed: int = 7) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.inventories: dict[str, Inventory] = {}
        self.users: list[str] = []
        self.shows: list[str] = []
        self.events = 0
        self.last: AppendResult | None = None
        self.last_booking_id = ""

    async def append(self, stream: str, events: Sequence[Event], expected: int | None) -> None:
        self.last = await self.store.append(stream, new_events(events), expected or NO_STREAM)
        self.events += len(events)

    async def add_users(self, count: int) -> None:
        for i in range(count):
            user_id = uuid.uuid4().hex
            email = f"user{i}-{user_id[:6]}@example.com"
            registered = register(user_id, email, f"User {i}", "$2b$04$not-a-real-hash")
            await self.append(user_stream(email), registered, None)
            if i % 10 == 0:
                await self.append(user_stream(email), [RoleGranted(user_id, ADMIN)], 1)
            self.users.append(user_id)

    async def add_show(
        self,
        title: str = "Hamlet",
        venue: str = "Globe",
        starts_at: str = "2027-01-31T19:30:00Z",
        per_user_limit: int | None = 6,
    ) -> str:
        show_id = uuid.uuid4().hex
        categories = tuple(
            Category(code, f"Category {code}", f"{self.rng.randint(10, 90)}.50", "EUR", capacity)
            for code, capacity in zip(
                ("stalls", "circle", "balcony"), self.rng.sample(range(40, 400), 3), strict=True
            )
        )
        command = CreateShow(show_id, title, venue, starts_at, categories, per_user_limit, "admin")
        for stream, events in create_show(command):
            await self.append(stream, events, None)
            if stream.startswith("inventory-"):
                self.inventories[stream] = fold(events)
        self.shows.append(show_id)
        return show_id

    async def book(self, stream: str, requests: int, category: str | None = None) -> None:
        state = self.inventories[stream]
        commands = [
            RequestBooking(
                uuid.uuid4().hex,
                state.show_id,
                category or self.rng.choice(sorted(state.categories)),
                self.rng.choice(self.users),
                self.rng.randint(1, 5),
            )
            for _ in range(requests)
        ]
        events, self.inventories[stream] = decide_batch(state, commands)
        self.last_booking_id = commands[-1].booking_id
        await self.append(stream, events, state.version)

    async def cancel_some(self, stream: str, count: int) -> None:
        state = self.inventories[stream]
        confirmed = [b for b in state.bookings.values() if b.status == CONFIRMED]
        chosen = self.rng.sample(confirmed, min(count, len(confirmed)))
        if not chosen:
            return
        cancels = [CancelBooking(b.booking_id, b.user_id) for b in chosen]
        outcome = decide_each(state, cancels, now_ms=0)
        self.inventories[stream] = outcome.state
        await self.append(stream, outcome.events, state.version)

    async def random_activity(self, at_least: int) -> None:
        """Bookings (many rejected once seats run out) and cancellations until ``at_least`` events."""
        while self.events < at_least:
            stream = self.rng.choice(sorted(self.inventories))
            if self.rng.random() < 0.2:
                await self.cancel_some(stream, self.rng.randint(1, 4))
            else:
                await self.book(stream, self.rng.randint(1, 30))


async def random_history(store: EventStore, at_least: int, shows: int = 4) -> History:
    history = History(store)
    await history.add_users(30)
    for i in range(shows):
        await history.add_show(f"Show {i}", f"Venue {i}", f"2027-0{i % 9 + 1}-15T20:00:00Z")
    await history.random_activity(at_least)
    return history
