"""Offers: one document per show category, with the seats still available.

Two streams feed a document: its inventory stream (version in ``iv``) and its
show stream (version in ``sv``).  ``create_show`` appends every InventoryOpened
before the ShowCreated, so the document exists before the show fills in its
catalogue fields; it is ``listed`` only from then on.  A category added later
is opened the same way (``CategoryAdded``, then ``ShowChanged``).  ``status``
follows the show's cancellation (absent in offers opened before it existed:
active).
"""

from __future__ import annotations

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
    ShowCancellationStarted,
    ShowCancelled,
    ShowChanged,
    ShowCreated,
)
from boxoffice.domain.inventory import ACTIVE, CANCELLED, CANCELLING
from boxoffice.eventstore import RecordedEvent

from .instants import epoch_us, iso_utc, parse_instant
from .model import Document, ReadModel, Write, created, guarded

INVENTORY_VERSION = "iv"
SHOW_VERSION = "sv"


def offer_id(show_id: str, category: str) -> str:
    return f"{show_id}:{category}"


def project_offer(recorded: RecordedEvent, event: Event) -> list[Write]:
    version = recorded.version
    match event:
        case InventoryOpened() | CategoryAdded():
            limit = event.per_user_limit if isinstance(event, InventoryOpened) else None
            return [
                created(
                    offer_id(event.show_id, event.category),
                    INVENTORY_VERSION,
                    {
                        "show_id": event.show_id,
                        "category": event.category,
                        "capacity": event.capacity,
                        "available": event.capacity,
                        "per_user_limit": limit,
                        "listed": False,
                        "status": ACTIVE,
                        INVENTORY_VERSION: version,
                        SHOW_VERSION: 0,
                    },
                )
            ]
        case CapacityChanged():
            return [
                guarded(
                    offer_id(event.show_id, event.category),
                    INVENTORY_VERSION,
                    version,
                    {"capacity": event.capacity},
                    increments={"available": event.capacity - event.previous_capacity},
                )
            ]
        case ShowCancellationStarted() | ShowCancelled():
            status = CANCELLING if isinstance(event, ShowCancellationStarted) else CANCELLED
            return [
                guarded(
                    offer_id(event.show_id, code), INVENTORY_VERSION, version, {"status": status}
                )
                for code in event.categories
            ]
        case BookingConfirmed() | BookingCancelled():
            seats = event.quantity if isinstance(event, BookingCancelled) else -event.quantity
            return [
                guarded(
                    offer_id(event.show_id, event.category),
                    INVENTORY_VERSION,
                    version,
                    {},
                    increments={"available": seats},
                )
            ]
        case OrderPlaced():
            return _seats_change(event.show_id, event.items, -1, version)
        case OrderPaid() if event.reheld:
            return _seats_change(event.show_id, event.items, -1, version)
        case OrderExpired() | OrderCancelled():
            return _seats_change(event.show_id, event.items, +1, version)
        case ShowCreated() | ShowChanged():
            starts_at = parse_instant(event.starts_at)
            show = {
                "title": event.title,
                "venue": event.venue,
                "starts_at": iso_utc(epoch_us(starts_at)),
                "starts_us": epoch_us(starts_at),
                "listed": True,
            }
            return [
                guarded(
                    offer_id(event.show_id, category["code"]),
                    SHOW_VERSION,
                    version,
                    {
                        **show,
                        "name": category["name"],
                        "price": category["price"],
                        "currency": category["currency"],
                        "rank": rank,
                    },
                )
                for rank, category in enumerate(event.categories)
            ]
    return []


def _seats_change(show_id: str, items: list[Document], sign: int, version: int) -> list[Write]:
    """An order's seats leave availability (held, or held again) or come back (sign +1)."""
    return [
        guarded(
            offer_id(show_id, item["category"]),
            INVENTORY_VERSION,
            version,
            {},
            increments={"available": sign * int(item["quantity"])},
        )
        for item in items
    ]


def offer_out(doc: Document) -> Document:
    """An offer as the API shows it in search results."""
    return {
        "show_id": doc["show_id"],
        "title": doc["title"],
        "venue": doc["venue"],
        "starts_at": doc["starts_at"],
        "category": doc["category"],
        "name": doc["name"],
        "price": doc["price"],
        "currency": doc["currency"],
        "capacity": doc["capacity"],
        "available": doc["available"],
    }


OFFERS = ReadModel(
    name="offers",
    event_types=frozenset(
        t.__name__
        for t in (
            InventoryOpened,
            CategoryAdded,
            CapacityChanged,
            BookingConfirmed,
            BookingCancelled,
            OrderPlaced,
            OrderPaid,
            OrderExpired,
            OrderCancelled,
            ShowCreated,
            ShowChanged,
            ShowCancellationStarted,
            ShowCancelled,
        )
    ),
    indexes=(
        IndexModel(
            [("listed", ASCENDING), ("starts_us", ASCENDING)],
            name="listed_by_start",
        ),
        IndexModel([("show_id", ASCENDING)], name="by_show"),
    ),
    project=project_offer,
)
