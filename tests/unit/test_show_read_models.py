"""The shows and sales read models, folded from a real log by the audit's replica of them."""

from __future__ import annotations

import functools

from boxoffice.audit.read_model_replica import ReadModelReplica
from boxoffice.commands.inventory_writer import InventoryWriter
from boxoffice.commands.show_cancellation import complete_cancellation, start_cancellation
from boxoffice.commands.show_changes import change_show
from boxoffice.commands.shows import ShowCatalog, add_show
from boxoffice.domain.decisions import Command, decide
from boxoffice.domain.inventory import OrderLine, RequestBooking
from boxoffice.domain.orders import ApplyPayment, ExpireOrder, PlaceOrder
from boxoffice.domain.show_changes import ChangeShow
from boxoffice.domain.shows import Category, CreateShow, instant_ms
from boxoffice.eventstore import NO_STREAM, InMemoryEventStore, NewEvent
from boxoffice.projections.sales import SALES, sales_out
from boxoffice.projections.shows import SHOWS, show_out

NOW = instant_ms("2027-01-10T12:00:00Z")
HOUR_MS = 3_600_000


async def decided(store: InMemoryEventStore, command: Command, now_ms: int = NOW) -> None:
    writer = InventoryWriter(store, "s")
    await writer.decide(functools.partial(decide, command=command, now_ms=now_ms))


def order(order_id: str, quantity: int) -> PlaceOrder:
    return PlaceOrder(order_id, "s", "u2", (OrderLine("A", quantity, "20.00", "EUR"),), 60)


def paid(order_id: str, amount: str) -> ApplyPayment:
    return ApplyPayment(order_id, True, amount, "EUR", "p", f"evt-{order_id}", "provider")


async def sold(store: InMemoryEventStore) -> None:
    """Two seats booked, one held, two paid, one paid after its hold expired, then cancelled."""
    stalls = Category("A", "Stalls", "20.00", "EUR", 10)
    create = CreateShow("s", "Hamlet", "Globe", "2027-03-01T19:30:00Z", (stalls,), None, "admin")
    await add_show(store, create)
    await decided(store, RequestBooking("b1", "s", "A", "u1", 2))
    await decided(store, order("held", 1))
    await decided(store, order("paid", 2))
    await decided(store, paid("paid", "40.00"))
    await decided(store, order("late", 1))
    await decided(store, ExpireOrder("late"), NOW + HOUR_MS)
    await decided(store, paid("late", "20.00"), NOW + HOUR_MS)


async def replica(store: InMemoryEventStore) -> ReadModelReplica:
    folded = ReadModelReplica([SHOWS, SALES])
    async for event in store.read_all():
        folded.observe(event)
    return folded


async def test_sales_count_held_sold_and_revenue_and_give_it_back_on_cancellation() -> None:
    store = InMemoryEventStore()
    await sold(store)
    figures = sales_out((await replica(store)).documents["sales"]["s:A"])
    assert (figures["held"], figures["sold"], figures["cancelled"]) == (1, 5, 0)
    assert figures["revenue"] == {"amount": "100.00", "currency": "EUR"}

    await start_cancellation(store, "s", "admin")
    await complete_cancellation(store, "s", batch=2, pause_seconds=0)
    figures = sales_out((await replica(store)).documents["sales"]["s:A"])
    assert (figures["held"], figures["sold"], figures["cancelled"]) == (0, 0, 6)
    assert figures["revenue"]["amount"] == "0.00"


async def test_a_check_in_counts_by_its_type_name() -> None:
    store = InMemoryEventStore()
    await sold(store)
    data = {"ticket_id": "t", "show_id": "s", "category": "A"}
    await store.append("ticket-t", [NewEvent("TicketCheckedIn", data)], NO_STREAM)
    assert (await replica(store)).documents["sales"]["s:A"]["checked_in"] == 1


async def test_the_show_document_follows_changes_and_the_cancellation() -> None:
    store = InMemoryEventStore()
    await sold(store)
    change = ChangeShow("s", "admin", {"title": "Macbeth", "sales_end": "2027-02-01T00:00:00Z"})
    await change_show(store, change, NOW)
    show = show_out((await replica(store)).documents["shows"]["s"], default_hold_seconds=1200)
    assert (show["title"], show["sales_end"], show["hold_seconds"]) == (
        "Macbeth",
        "2027-02-01T00:00:00Z",
        1200,
    )
    await start_cancellation(store, "s", "admin")
    assert (await replica(store)).documents["shows"]["s"]["status"] == "cancelling"
    await complete_cancellation(store, "s", batch=100, pause_seconds=0)
    assert (await replica(store)).documents["shows"]["s"]["status"] == "cancelled"


async def test_the_catalog_catches_up_with_a_changed_show() -> None:
    store = InMemoryEventStore()
    await sold(store)
    catalog = ShowCatalog(store, default_hold_seconds=1200, fresh_seconds=0)
    before = await catalog.get("s")
    await change_show(store, ChangeShow("s", "admin", {"hold_seconds": 300}), NOW)
    after = await catalog.get("s")
    assert before is not None and after is not None
    assert (before.hold_seconds, after.hold_seconds) == (1200, 300)
