"""The ticket issuer on a real store: one ticket per seat whoever issues, resumable, revoking once.

Bookings and orders are appended as raw stored events, as their own services
(and services still being written, for orders) store them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.domain.tickets import BOOKING, ORDER, ticket_id_for
from boxoffice.eventstore import ANY, MongoEventStore, NewEvent
from boxoffice.tickets.issuer import TicketIssuer


@pytest.fixture
async def store(database: AsyncDatabase[dict]) -> MongoEventStore:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    return store


def issuer(store: MongoEventStore, database: AsyncDatabase[dict]) -> TicketIssuer:
    return TicketIssuer(store, database["followers"], batch_size=3, idle_seconds=0.02)


def booking(booking_id: str, quantity: int) -> dict[str, Any]:
    return {
        "booking_id": booking_id,
        "show_id": "s1",
        "category": "A",
        "user_id": "u1",
        "quantity": quantity,
    }


async def record(store: MongoEventStore, stream: str, type_: str, data: dict[str, Any]) -> None:
    await store.append(stream, [NewEvent(type_, data)], ANY)


async def ticket_events(store: MongoEventStore) -> Counter[tuple[str, str]]:
    """(type, ticket_id) of every ticket event in the log, counted."""
    return Counter(
        [
            (event.type, event.data["ticket_id"])
            async for event in store.read_all()
            if event.type.startswith("Ticket")
        ]
    )


async def last_event(store: MongoEventStore) -> int:
    """The position of the log's last event (the head may be past it: a position left unfilled)."""
    return max([event.position async for event in store.read_all()], default=0)


async def settle(*issuers: TicketIssuer, store: MongoEventStore) -> None:
    """Until the issuers' shared checkpoint has reached the log's last event (tickets included)."""
    async with asyncio.timeout(10):
        while True:
            if await issuers[0].checkpoint() >= await last_event(store):
                return
            await asyncio.sleep(0.02)


async def test_two_issuers_on_one_log_issue_exactly_one_ticket_per_seat(
    store: MongoEventStore, database: AsyncDatabase[dict]
) -> None:
    bookings = [uuid.uuid4().hex for _ in range(6)]
    for booking_id in bookings:
        await record(store, "inventory-s1", "BookingConfirmed", booking(booking_id, 2))
    first, second = issuer(store, database), issuer(store, database)

    first.start()
    second.start()
    try:
        await settle(first, second, store=store)
    finally:
        await first.stop()
        await second.stop()

    issued = await ticket_events(store)
    expected = {("TicketIssued", ticket_id_for(BOOKING, b, n)) for b in bookings for n in range(2)}
    assert set(issued) == expected
    assert set(issued.values()) == {1}


async def test_a_restarted_issuer_resumes_from_the_checkpoint_in_the_store(
    store: MongoEventStore, database: AsyncDatabase[dict]
) -> None:
    await record(store, "inventory-s1", "BookingConfirmed", booking("b1", 1))
    before = issuer(store, database)
    before.start()
    await settle(before, store=store)
    await before.stop()
    await record(store, "inventory-s1", "BookingConfirmed", booking("b2", 1))

    after = TicketIssuer(store, database["followers"], batch_size=1)
    await after.step()  # one event: the first after the checkpoint, not the first of the log

    assert await after.checkpoint() == after.position < await last_event(store)
    assert await ticket_events(store) == Counter(
        {
            ("TicketIssued", ticket_id_for(BOOKING, "b1", 0)): 1,
            ("TicketIssued", ticket_id_for(BOOKING, "b2", 0)): 1,
        }
    )


async def test_a_cancellation_is_revoked_once_by_two_issuers(
    store: MongoEventStore, database: AsyncDatabase[dict]
) -> None:
    await record(store, "inventory-s1", "BookingConfirmed", booking("b1", 2))
    await record(
        store, "inventory-s1", "BookingCancelled", {**booking("b1", 2), "cancelled_by": "u1"}
    )
    first, second = issuer(store, database), issuer(store, database)

    first.start()
    second.start()
    try:
        await settle(first, second, store=store)
    finally:
        await first.stop()
        await second.stop()

    issued = await ticket_events(store)
    for seat in range(2):
        ticket_id = ticket_id_for(BOOKING, "b1", seat)
        assert issued[("TicketIssued", ticket_id)] == 1
        assert issued[("TicketRevoked", ticket_id)] == 1


async def test_an_order_paid_then_cancelled_gets_tickets_then_loses_them_and_unpaid_none(
    store: MongoEventStore, database: AsyncDatabase[dict]
) -> None:
    items = [{"category": "A", "quantity": 2}, {"category": "B", "quantity": 1}]
    order = {"show_id": "s1", "user_id": "u1", "items": items}
    await record(store, "order-o1", "OrderPaid", {**order, "order_id": "o1"})
    await record(
        store, "order-o1", "OrderCancelled", {**order, "order_id": "o1", "refund_due": True}
    )
    await record(
        store, "order-o2", "OrderCancelled", {**order, "order_id": "o2", "refund_due": False}
    )
    following = issuer(store, database)

    following.start()
    try:
        await settle(following, store=store)
    finally:
        await following.stop()

    issued = await ticket_events(store)
    paid = {ticket_id_for(ORDER, "o1", n) for n in range(3)}
    assert {ticket_id for _, ticket_id in issued} == paid
    assert set(issued) == {
        (t, ticket_id) for t in ("TicketIssued", "TicketRevoked") for ticket_id in paid
    }


async def test_while_one_issuer_holds_the_lease_another_waits_and_then_takes_over(
    store: MongoEventStore, database: AsyncDatabase[dict]
) -> None:
    await record(store, "inventory-s1", "BookingConfirmed", booking("b1", 1))
    holder, waiting = issuer(store, database), issuer(store, database)
    await holder.step()

    await waiting.step()
    assert waiting.position == 0

    await holder.stop()  # releases the lease
    await waiting.step()
    assert waiting.position == await holder.checkpoint() > 0
