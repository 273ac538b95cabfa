"""The audit of orders: lifecycle, seats held and sold, payments applied once, overdue holds."""

from __future__ import annotations

import dataclasses

from boxoffice.audit.auditor import LogAuditor
from boxoffice.audit.violations import (
    DUPLICATE_ORDER,
    DUPLICATE_PAYMENT_EVENT,
    HOLD_OVERDUE,
    ILLEGAL_ORDER_TRANSITION,
    ORDER_EVENT_WITHOUT_ORDER,
    SEAT_ACCOUNTING,
    Violation,
)
from boxoffice.domain.events import OrderExpired, OrderPaid
from boxoffice.domain.inventory import OrderLine
from boxoffice.domain.orders import ApplyPayment, ExpireOrder, PlaceOrder
from boxoffice.eventstore import InMemoryEventStore, RecordedEvent
from tests.audit_history import InventoryWriter, append, open_show

NOW = 1_800_000_000_000
HOLD = 600


def audit(events: list[RecordedEvent], now_ms: int | None = None) -> list[Violation]:
    auditor = LogAuditor()
    found = [v for event in events for v in auditor.observe(event)]
    return found + auditor.finish(now_ms)


def kinds(violations: list[Violation]) -> list[str]:
    return [v.kind for v in violations]


def order(order_id: str, user: str = "u1", quantity: int = 2) -> PlaceOrder:
    return PlaceOrder(order_id, "", user, (OrderLine("A", quantity, "10.00", "EUR"),), HOLD)


def payment(order_id: str, event_id: str, amount: str = "20.00") -> ApplyPayment:
    return ApplyPayment(order_id, True, amount, "EUR", "pay", event_id, "provider")


async def writer_with_orders() -> tuple[InMemoryEventStore, InventoryWriter]:
    """Three orders of 2 seats: o1 paid, o2 expired, o3 awaiting payment."""
    store = InMemoryEventStore()
    writer = await InventoryWriter.load(store, await open_show(store, capacity=10))
    await writer.decide(order("o1"), order("o2"), order("o3"), now_ms=NOW)
    await writer.decide(payment("o1", "evt_1"), now_ms=NOW + 1000)
    await writer.decide(ExpireOrder("o2"), now_ms=NOW + HOLD * 1000)
    return store, writer


async def log(store: InMemoryEventStore) -> list[RecordedEvent]:
    return [event async for event in store.read_all()]


async def test_a_history_of_orders_passes() -> None:
    store, _ = await writer_with_orders()
    assert audit(await log(store), now_ms=NOW + HOLD * 1000) == []


async def test_an_order_placed_twice_is_reported() -> None:
    store, writer = await writer_with_orders()
    placed = next(e for e in await log(store) if e.type == "OrderPlaced")
    forged = dataclasses.replace(placed, position=100, version=writer.state.version + 1)
    assert DUPLICATE_ORDER in kinds(audit([*await log(store), forged]))


async def test_a_payment_of_an_unknown_order_is_reported() -> None:
    store, writer = await writer_with_orders()
    paid = OrderPaid("ghost", writer.show_id, "u1", [], "0", "EUR", "p", "evt_9", "x", False)
    await append(store, writer.stream, [paid], writer.state.version)
    assert ORDER_EVENT_WITHOUT_ORDER in kinds(audit(await log(store)))


async def test_expiring_a_paid_order_is_an_illegal_transition() -> None:
    store, writer = await writer_with_orders()
    expired = OrderExpired("o1", writer.show_id, "u1", [])
    await append(store, writer.stream, [expired], writer.state.version)
    assert ILLEGAL_ORDER_TRANSITION in kinds(audit(await log(store)))


async def test_a_provider_event_applied_in_two_shows_is_reported() -> None:
    store, _ = await writer_with_orders()
    other = await InventoryWriter.load(store, await open_show(store, capacity=10))
    await other.decide(order("o9"), now_ms=NOW)
    await other.decide(payment("o9", "evt_1"), now_ms=NOW)
    assert DUPLICATE_PAYMENT_EVENT in kinds(audit(await log(store)))


async def test_a_confirmation_of_more_seats_than_requested_breaks_the_seat_accounting() -> None:
    store, writer = await writer_with_orders()
    (booking_id,) = await writer.book(("u2", 1))
    events = await log(store)
    confirmed = next(e for e in events if e.type == "BookingConfirmed")
    inflated = dataclasses.replace(confirmed, data={**confirmed.data, "quantity": 3})
    found = audit([inflated if e is confirmed else e for e in events])
    assert SEAT_ACCOUNTING in kinds(found) and booking_id


async def test_an_order_held_long_after_its_hold_is_reported() -> None:
    store, _ = await writer_with_orders()
    found = audit(await log(store), now_ms=NOW + HOLD * 1000 + 10 * 60 * 1000)
    assert kinds(found) == [HOLD_OVERDUE]
