"""Bookings: one document per booking, its status as its inventory stream says.

``v`` is the version of the inventory stream that last changed the booking.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    Event,
)
from boxoffice.domain.inventory import CANCELLED, CONFIRMED, PENDING, REJECTED
from boxoffice.eventstore import RecordedEvent

from .instants import epoch_us, iso_utc
from .model import Document, ReadModel, Write, created, guarded

VERSION = "v"


def project_booking(recorded: RecordedEvent, event: Event) -> list[Write]:
    at = epoch_us(recorded.recorded_at)
    match event:
        case BookingRequested():
            return [
                created(
                    event.booking_id,
                    VERSION,
                    {
                        "user_id": event.user_id,
                        "show_id": event.show_id,
                        "category": event.category,
                        "quantity": event.quantity,
                        "status": PENDING,
                        "reason": None,
                        "created_us": at,
                        "updated_us": at,
                        VERSION: recorded.version,
                    },
                )
            ]
        case BookingConfirmed():
            return [_status(event.booking_id, recorded.version, CONFIRMED, None, at)]
        case BookingRejected():
            return [_status(event.booking_id, recorded.version, REJECTED, event.reason, at)]
        case BookingCancelled():
            return [_status(event.booking_id, recorded.version, CANCELLED, None, at)]
    return []


def _status(booking_id: str, version: int, status: str, reason: str | None, at: int) -> Write:
    return guarded(
        booking_id, VERSION, version, {"status": status, "reason": reason, "updated_us": at}
    )


def booking_out(doc: Document) -> Document:
    """A booking as the API shows it; ``user_id`` lets the caller check ownership."""
    return {
        "booking_id": doc["_id"],
        "user_id": doc["user_id"],
        "status": doc["status"],
        "show_id": doc["show_id"],
        "category": doc["category"],
        "quantity": doc["quantity"],
        "reason": doc["reason"],
        "created_at": iso_utc(doc["created_us"]),
        "updated_at": iso_utc(doc["updated_us"]),
    }


BOOKINGS = ReadModel(
    name="bookings",
    event_types=frozenset(
        t.__name__ for t in (BookingRequested, BookingConfirmed, BookingRejected, BookingCancelled)
    ),
    indexes=(
        IndexModel(
            [("user_id", ASCENDING), ("created_us", DESCENDING)],
            name="by_user_newest_first",
        ),
        IndexModel(
            [("show_id", ASCENDING), ("created_us", DESCENDING)],
            name="by_show_newest_first",
        ),
    ),
    project=project_booking,
)
