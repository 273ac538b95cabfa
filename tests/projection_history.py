"""Realistic histories for projection tests: shows, users, bookings, rejections, cancellations,
tickets and check-ins.

Events are decided by the domain (``create_show``, ``decide_batch``,
``decide_cancel``) and appended straight to the store, one commit per batch.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from boxoffice.domain import tickets
from boxoffice.domain.decisions import Command, decide_batch, decide_each
from boxoffice.domain.events import Event, RoleGranted
from boxoffice.domain.inventory import (
    AWAITING_PAYMENT,
    CONFIRMED,
    CancelBooking,
    Inventory,
    OrderLine,
    RequestBooking,
    fold,
)
from boxoffice.domain.orders import ApplyPayment, CancelOrder, ExpireOrder, PlaceOrder
from boxoffice.domain.shows import Category, CreateShow, create_show
from boxoffice.domain.streams import ticket_stream, user_stream
from boxoffice.domain.users import ADMIN, register
from boxoffice.eventstore import NO_STREAM, AppendResult, EventStore, NewEvent


def new_events(events: Sequence[Event]) -> list[NewEvent]:
    return [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]


class History:
    def __init__(self, store: EventStore, seed: int = 7) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.ticket_rng = random.Random(seed + 1)  # leaves the bookings' draws as they were
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

    async def order_some(self, stream: str, count: int) -> None:
        """Orders placed, then each paid, expired, cancelled or left awaiting payment."""
        state = self.inventories[stream]
        placed: list[Command] = []
        for _ in range(count):
            categories = self.rng.sample(sorted(state.categories), self.rng.randint(1, 2))
            lines = tuple(OrderLine(c, self.rng.randint(1, 3), "10.50", "EUR") for c in categories)
            user = self.rng.choice(self.users)
            placed.append(PlaceOrder(uuid.uuid4().hex, state.show_id, user, lines, 60))
        await self.decide(stream, placed, now_ms=0)
        state = self.inventories[stream]
        held = [o for o in state.orders.values() if o.status == AWAITING_PAYMENT]
        fates: list[Command] = []
        for order in held:
            fate = self.rng.choice(("pay", "expire", "cancel", "wait"))
            if fate == "pay":
                fates.append(
                    ApplyPayment(
                        order.order_id, True, order.amount, "EUR", "pay", uuid.uuid4().hex, "psp"
                    )
                )
            elif fate == "expire":
                fates.append(ExpireOrder(order.order_id))
            elif fate == "cancel":
                fates.append(CancelOrder(order.order_id, order.user_id))
        await self.decide(stream, fates, now_ms=10**12)

    async def decide(self, stream: str, commands: Sequence[Command], now_ms: int) -> None:
        state = self.inventories[stream]
        outcome = decide_each(state, commands, now_ms)
        if outcome.events:
            self.inventories[stream] = outcome.state
            await self.append(stream, outcome.events, state.version)

    async def issue_tickets(self, stream: str, bookings: int) -> None:
        """The first seat's ticket of some confirmed bookings; half of them checked in."""
        state = self.inventories[stream]
        confirmed = [b for b in state.bookings.values() if b.status == CONFIRMED]
        for booking in self.ticket_rng.sample(confirmed, min(bookings, len(confirmed))):
            seat = tickets.booking_seats({**vars(booking), "show_id": state.show_id})[0]
            events = tickets.issue(None, seat, uuid.uuid4().hex)
            ticket = tickets.ticket_from(events)
            assert ticket is not None
            if self.ticket_rng.random() < 0.5:
                at = datetime(2027, 3, 1, 19, tzinfo=UTC)
                decided = tickets.decide_check_in(ticket, tickets.CheckIn("n", "gate"), at)
                assert isinstance(decided, tickets.Admitted)
                events = [*events, *decided.events]
            await self.append(ticket_stream(seat.ticket_id), events, None)

    async def random_activity(self, at_least: int) -> None:
        """Bookings (many rejected once seats run out), cancellations and orders until
        ``at_least`` events."""
        while self.events < at_least:
            stream = self.rng.choice(sorted(self.inventories))
            draw = self.rng.random()
            if draw < 0.2:
                await self.cancel_some(stream, self.rng.randint(1, 4))
            elif draw < 0.3:
                await self.order_some(stream, self.rng.randint(1, 6))
            else:
                await self.book(stream, self.rng.randint(1, 30))


async def random_history(store: EventStore, at_least: int, shows: int = 4) -> History:
    history = History(store)
    await history.add_users(30)
    for i in range(shows):
        await history.add_show(f"Show {i}", f"Venue {i}", f"2027-0{i % 9 + 1}-15T20:00:00Z")
    await history.random_activity(at_least)
    for stream in sorted(history.inventories):
        await history.issue_tickets(stream, 5)
    return history
