"""Changing and cancelling a show: pure decisions of (state, command) -> events.

A change touches two streams.  The inventory decides what constrains sales:
categories added, capacities changed (never below the seats sold plus held),
the sales window.  The show stream then records the description whole
(``ShowChanged``).  Both decisions are idempotent: sent again after a crash
between the two appends, the inventory part finds nothing left to do.

A cancellation starts with ``ShowCancellationStarted``, which closes sales at
once; then ``decide_cancellation_step`` cancels what remains a bounded batch at
a time, and appends ``ShowCancelled`` when nothing is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .events import (
    CapacityChanged,
    CategoryAdded,
    Event,
    ShowCancellationStarted,
    ShowCancelled,
    ShowChanged,
)
from .inventory import (
    ACTIVE,
    AWAITING_PAYMENT,
    CANCELLING,
    CONFIRMED,
    PAID,
    CancelBooking,
    Inventory,
    decide_cancel,
)
from .orders import CancelOrder, decide_order_cancel
from .shows import Category, Schedule, ShowRecord

DESCRIPTIVE_FIELDS = ("title", "venue", "starts_at", "sales_start", "sales_end", "hold_seconds")
SCHEDULE_FIELDS = ("starts_at", "sales_start", "sales_end")

CAPACITY_BELOW_TAKEN = "capacity_below_taken"
CATEGORY_EXISTS = "category_exists"
UNKNOWN_CATEGORY = "unknown_category"


class ShowNotChangeable(Exception):
    """The show is being cancelled or was cancelled."""

    def __init__(self, show_id: str, status: str) -> None:
        super().__init__(f"show {show_id} is {status}")
        self.show_id = show_id
        self.status = status


class ChangeRefused(Exception):
    """A change the inventory refuses as a whole: ``reason`` says why, ``category`` where."""

    def __init__(self, reason: str, category: str, detail: str, **facts: int) -> None:
        super().__init__(detail)
        self.reason = reason
        self.category = category
        self.detail = detail
        self.facts = facts


@dataclass(frozen=True)
class ChangeShow:
    """``details``: only the descriptive fields given (a None sales bound removes that bound)."""

    show_id: str
    changed_by: str
    details: Mapping[str, Any] = field(default_factory=dict)
    add_categories: tuple[Category, ...] = ()
    capacities: Mapping[str, int] = field(default_factory=dict)

    def schedule(self, record: ShowRecord) -> Schedule:
        """The show's schedule once this change is applied."""
        now = record.schedule
        return Schedule(
            self.details.get("starts_at", now.starts_at),
            self.details.get("sales_start", now.sales_start),
            self.details.get("sales_end", now.sales_end),
        )

    @property
    def moves_schedule(self) -> bool:
        return any(name in self.details for name in SCHEDULE_FIELDS)


def decide_inventory_change(
    state: Inventory, command: ChangeShow, schedule: Schedule
) -> list[Event]:
    """Categories added, capacities changed and the sales window, all or nothing.

    Raises ChangeRefused (capacity below the seats taken, a category added twice
    with another capacity, a capacity for an unknown category) or
    ShowNotChangeable; returns nothing when the inventory already is as asked.
    """
    if state.status != ACTIVE:
        raise ShowNotChangeable(command.show_id, state.status)
    events: list[Event] = []
    for category in command.add_categories:
        seats = state.categories.get(category.code)
        if seats is None:
            events.append(CategoryAdded(command.show_id, category.code, category.capacity))
        elif seats.capacity != category.capacity and category.code not in command.capacities:
            raise ChangeRefused(
                CATEGORY_EXISTS, category.code, f"category {category.code} already exists"
            )
    added = {c.code: c.capacity for c in command.add_categories}
    for code, capacity in command.capacities.items():
        events += _capacity_change(state, command, code, capacity, added)
    if command.moves_schedule:
        window = schedule.window(command.show_id)
        current = (state.starts_at_ms, state.sales_start_ms, state.sales_end_ms)
        if (window.starts_at_ms, window.sales_start_ms, window.sales_end_ms) != current:
            events.append(window)
    return events


def _capacity_change(
    state: Inventory, command: ChangeShow, code: str, capacity: int, added: dict[str, int]
) -> list[Event]:
    seats = state.categories.get(code)
    if seats is None:
        if code not in added:
            raise ChangeRefused(UNKNOWN_CATEGORY, code, f"the show has no category {code}")
        previous, taken = added[code], 0
    else:
        previous, taken = seats.capacity, seats.capacity - seats.available
    if capacity < taken:
        raise ChangeRefused(
            CAPACITY_BELOW_TAKEN,
            code,
            f"category {code} has {taken} seats sold or held; its capacity cannot go below that",
            capacity=capacity,
            taken=taken,
        )
    if capacity == previous:
        return []
    return [CapacityChanged(command.show_id, code, capacity, previous, command.changed_by)]


def decide_show_change(record: ShowRecord, command: ChangeShow) -> list[Event]:
    """The show's whole description after the change; nothing when nothing moved."""
    before = record.description()
    after = {**before, **{k: v for k, v in command.details.items() if k in DESCRIPTIVE_FIELDS}}
    categories = [dict(c) for c in record.categories]
    known = {c["code"] for c in categories}
    categories += [c.to_data() for c in command.add_categories if c.code not in known]
    for category in categories:
        category["capacity"] = command.capacities.get(category["code"], category["capacity"])
    after["categories"] = categories
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return []
    return [
        ShowChanged(
            show_id=record.show_id,
            title=after["title"],
            venue=after["venue"],
            starts_at=after["starts_at"],
            sales_start=after["sales_start"],
            sales_end=after["sales_end"],
            hold_seconds=after["hold_seconds"],
            categories=categories,
            changed=changed,
            changed_by=command.changed_by,
        )
    ]


def decide_show_cancel(state: Inventory, cancelled_by: str) -> list[Event]:
    """Close sales for good and start the cancellation; nothing if it has already started."""
    if state.status != ACTIVE:
        return []
    return [ShowCancellationStarted(state.show_id, list(state.categories), cancelled_by)]


def decide_cancellation_step(state: Inventory, batch: int) -> list[Event]:
    """Cancel up to ``batch`` of the show's confirmed bookings and held or paid orders.

    When none is left, the cancellation is complete (``ShowCancelled``); when the
    show is not being cancelled, there is nothing to do.  Paid orders become
    refund_due, as ``decide_order_cancel`` decides.
    """
    if state.status != CANCELLING:
        return []
    by = state.cancelled_by
    events: list[Event] = []
    for booking in state.bookings.values():
        if len(events) >= batch:
            return events
        if booking.status == CONFIRMED:
            events += decide_cancel(state, CancelBooking(booking.booking_id, by, as_admin=True))
    for order in state.orders.values():
        if len(events) >= batch:
            return events
        if order.status in (AWAITING_PAYMENT, PAID):
            events += decide_order_cancel(state, CancelOrder(order.order_id, by, as_admin=True))
    if events:
        return events
    return [ShowCancelled(state.show_id, list(state.categories), by)]
