"""Sales: one document per show category, the figures an organiser watches.

Seats ``held`` by unpaid orders, ``sold`` (confirmed bookings and paid orders
not cancelled), ``cancelled`` (seats of cancelled bookings and orders),
``checked_in`` (tickets admitted) and the revenue: the category price times the
seats of confirmed bookings still standing (``booked``), plus the paid orders'
item prices (``orders_cents``), money in hundredths as prices have at most two
decimals.  The events come from the inventory stream, the show stream (price
and currency) and each ticket's stream, so every write is guarded by the
event's position in the log (``p``), which rises for any document however many
streams feed it.  ``TicketCheckedIn`` is counted by its type name and its
``show_id`` and ``category``, whichever module defines it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pymongo import ASCENDING, IndexModel

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    CapacityChanged,
    CategoryAdded,
    Event,
    InventoryOpened,
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
    ShowChanged,
    ShowCreated,
)
from boxoffice.eventstore import RecordedEvent

from .model import Document, ReadModel, Write, created, guarded, stored_event
from .offers import offer_id

POSITION = "p"
CHECKED_IN = "TicketCheckedIn"
CENTS = Decimal(100)


@dataclass(frozen=True)
class CheckInCounted(Event):
    """A ticket of ``category`` admitted, as the sales view counts a ``TicketCheckedIn``."""

    show_id: str
    category: str


def decode_sales_event(recorded: RecordedEvent) -> Event:
    if recorded.type == CHECKED_IN:
        return CheckInCounted(recorded.data["show_id"], recorded.data["category"])
    return stored_event(recorded)


def cents(amount: str) -> int:
    return int(Decimal(amount) * CENTS)


def project_sales(recorded: RecordedEvent, event: Event) -> list[Write]:
    at = recorded.position
    match event:
        case InventoryOpened() | CategoryAdded():
            fields = {
                "show_id": event.show_id,
                "category": event.category,
                "capacity": event.capacity,
                "held": 0,
                "sold": 0,
                "cancelled": 0,
                "checked_in": 0,
                "booked": 0,
                "orders_cents": 0,
                "price": None,
                "currency": None,
                "rank": None,
                POSITION: at,
            }
            return [created(offer_id(event.show_id, event.category), POSITION, fields)]
        case ShowCreated() | ShowChanged():
            return [
                guarded(
                    offer_id(event.show_id, c["code"]),
                    POSITION,
                    at,
                    {"price": c["price"], "currency": c["currency"], "rank": rank},
                )
                for rank, c in enumerate(event.categories)
            ]
        case CapacityChanged():
            return [_set(event.show_id, event.category, at, capacity=event.capacity)]
        case BookingConfirmed():
            return [
                _count(
                    event.show_id, event.category, at, sold=event.quantity, booked=event.quantity
                )
            ]
        case BookingCancelled():
            q = event.quantity
            return [_count(event.show_id, event.category, at, sold=-q, booked=-q, cancelled=q)]
        case CheckInCounted():
            return [_count(event.show_id, event.category, at, checked_in=1)]
    return _project_order(at, event)


def _project_order(at: int, event: Event) -> list[Write]:
    match event:
        case OrderPlaced():
            return _per_item(event.show_id, event.items, at, lambda q, _: {"held": q})
        case OrderExpired():
            return _per_item(event.show_id, event.items, at, lambda q, _: {"held": -q})
        case OrderPaid():
            held = 0 if event.reheld else 1
            return _per_item(
                event.show_id,
                event.items,
                at,
                lambda q, price: {"held": -q * held, "sold": q, "orders_cents": q * price},
            )
        case OrderCancelled() if event.refund_due:
            return _per_item(
                event.show_id,
                event.items,
                at,
                lambda q, price: {"sold": -q, "cancelled": q, "orders_cents": -q * price},
            )
        case OrderCancelled():
            return _per_item(
                event.show_id, event.items, at, lambda q, _: {"held": -q, "cancelled": q}
            )
    return []


def _per_item(
    show_id: str,
    items: Iterable[Mapping[str, Any]],
    at: int,
    counts: Callable[[int, int], dict[str, int]],
) -> list[Write]:
    """One write per item: ``counts(quantity, unit price in cents)`` gives its increments."""
    return [
        _count(
            show_id,
            item["category"],
            at,
            **counts(int(item["quantity"]), cents(item["unit_price"])),
        )
        for item in items
    ]


def _count(show_id: str, category: str, at: int, **increments: int) -> Write:
    steps = {name: step for name, step in increments.items() if step}
    return guarded(offer_id(show_id, category), POSITION, at, {}, increments=steps)


def _set(show_id: str, category: str, at: int, **fields: Any) -> Write:
    return guarded(offer_id(show_id, category), POSITION, at, fields)


def sales_out(doc: Document) -> Document:
    price = Decimal(doc["price"] or 0)
    revenue = price * doc["booked"] + Decimal(doc["orders_cents"]) / CENTS
    return {
        "category": doc["category"],
        "capacity": doc["capacity"],
        "held": doc["held"],
        "sold": doc["sold"],
        "cancelled": doc["cancelled"],
        "checked_in": doc["checked_in"],
        "revenue": {"amount": str(revenue.quantize(Decimal("0.01"))), "currency": doc["currency"]},
    }


SALES = ReadModel(
    name="sales",
    event_types=frozenset(
        {
            *(
                t.__name__
                for t in (
                    InventoryOpened,
                    CategoryAdded,
                    ShowCreated,
                    ShowChanged,
                    CapacityChanged,
                    BookingConfirmed,
                    BookingCancelled,
                    OrderPlaced,
                    OrderExpired,
                    OrderPaid,
                    OrderCancelled,
                )
            ),
            CHECKED_IN,
        }
    ),
    indexes=(IndexModel([("show_id", ASCENDING)], name="by_show"),),
    project=project_sales,
    decode=decode_sales_event,
)
