"""The audit over shows whose capacity changes and that get cancelled, on the in-memory store."""

from __future__ import annotations

import functools

from boxoffice.audit.auditor import LogAuditor
from boxoffice.audit.violations import (
    AVAILABILITY_OUT_OF_RANGE,
    CANCELLED_SHOW_NOT_EMPTY,
    ORDER_EVENT_WITHOUT_ORDER,
    SALE_AFTER_CANCELLATION,
    Violation,
)
from boxoffice.commands.inventory_writer import InventoryWriter
from boxoffice.commands.show_cancellation import complete_cancellation, start_cancellation
from boxoffice.domain.decisions import decide
from boxoffice.domain.events import (
    BookingConfirmed,
    BookingRequested,
    Event,
    OrderPaid,
    ShowCancelled,
)
from boxoffice.domain.inventory import OrderLine, RequestBooking
from boxoffice.domain.orders import PlaceOrder
from boxoffice.domain.show_changes import ChangeShow, decide_inventory_change
from boxoffice.domain.shows import Schedule
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import InMemoryEventStore, NewEvent
from tests.audit_history import open_show

NOW = 1_800_000_000_000


async def audited(store: InMemoryEventStore) -> list[Violation]:
    auditor = LogAuditor()
    found = [v async for event in store.read_all() for v in auditor.observe(event)]
    return found + auditor.finish()


async def sold_show(store: InMemoryEventStore) -> str:
    """A show of 12 seats: two bookings, an order held, capacity lowered to what is taken."""
    show_id = await open_show(store, capacity=12, per_user_limit=None)
    writer = InventoryWriter(store, show_id)
    for number, user in enumerate(("u1", "u2")):
        booking = RequestBooking(f"b{number}", show_id, "A", user, 3)
        await writer.decide(functools.partial(decide, command=booking, now_ms=NOW))
    order = PlaceOrder("o1", show_id, "u3", (OrderLine("A", 2, "10", "EUR"),), 600)
    await writer.decide(lambda state: decide(state, order, NOW))
    lower = ChangeShow(show_id, "admin", capacities={"A": 8})
    schedule = Schedule("2030-01-01T19:30:00Z", None, None)
    await writer.decide(lambda state: decide_inventory_change(state, lower, schedule))
    assert writer.state.categories["A"].available == 0
    return show_id


async def forge(store: InMemoryEventStore, show_id: str, events: list[Event]) -> None:
    stream = inventory_stream(show_id)
    version = len(await store.read_stream(stream))
    stored = [NewEvent(type(e).__name__, e.to_data()) for e in events]
    await store.append(stream, stored, version)


async def test_capacity_changes_and_a_completed_cancellation_pass() -> None:
    store = InMemoryEventStore()
    show_id = await sold_show(store)
    await start_cancellation(store, show_id, "admin")
    await complete_cancellation(store, show_id, batch=1, pause_seconds=0)
    assert await audited(store) == []


async def test_a_sale_after_sales_closed_and_what_is_left_are_reported() -> None:
    store = InMemoryEventStore()
    show_id = await sold_show(store)
    await start_cancellation(store, show_id, "admin")
    late = ("late", show_id, "A", "u9", 1)
    await forge(store, show_id, [BookingRequested(*late), BookingConfirmed(*late)])
    await complete_cancellation(store, show_id, batch=10, pause_seconds=0)
    # the show was full: the late seat is also one too many
    kinds = [v.kind for v in await audited(store)]
    assert kinds == [AVAILABILITY_OUT_OF_RANGE, SALE_AFTER_CANCELLATION]
    ghost = OrderPaid("ghost", show_id, "u9", [], "0", "EUR", "p", None, "admin", False)
    await forge(store, show_id, [ghost])
    assert ORDER_EVENT_WITHOUT_ORDER in {v.kind for v in await audited(store)}


async def test_a_cancelled_show_with_a_booking_left_is_reported() -> None:
    store = InMemoryEventStore()
    show_id = await sold_show(store)
    await start_cancellation(store, show_id, "admin")
    writer = InventoryWriter(store, show_id)
    state = await writer.catch_up()
    await forge(store, show_id, [ShowCancelled(show_id, list(state.categories), "admin")])
    kinds = [v.kind for v in await audited(store)]
    assert kinds == [CANCELLED_SHOW_NOT_EMPTY] * 3
