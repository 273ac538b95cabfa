"""The public part of an event: one allow-list of fields per event type, for the feed and webhooks.

A field not listed here is private: a password hash today, a ticket secret or a
refresh token tomorrow. A new event type shows its envelope and an empty
``data`` until someone lists what of it is public. Metadata is never public.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boxoffice.eventstore import RecordedEvent
from boxoffice.eventstore.hashing import timestamp

_BOOKING = frozenset({"booking_id", "show_id", "category", "user_id", "quantity"})
_WINDOW = frozenset({"starts_at_ms", "sales_start_ms", "sales_end_ms"})
_DESCRIPTION = frozenset(
    {"show_id", "title", "venue", "starts_at", "categories"}
    | {"sales_start", "sales_end", "hold_seconds"}
)

PUBLIC_FIELDS: Mapping[str, frozenset[str]] = {
    "UserRegistered": frozenset({"user_id", "email", "name", "role"}),
    "RoleGranted": frozenset({"user_id", "role"}),
    "RoleRevoked": frozenset({"user_id", "role"}),
    "PasswordChanged": frozenset({"user_id"}),
    "ShowCreated": _DESCRIPTION | {"per_user_limit", "created_by"},
    "ShowChanged": _DESCRIPTION | {"changed", "changed_by"},
    "InventoryOpened": frozenset({"show_id", "category", "capacity", "per_user_limit"}) | _WINDOW,
    "SalesWindowSet": _WINDOW | {"show_id"},
    "CategoryAdded": frozenset({"show_id", "category", "capacity"}),
    "CapacityChanged": frozenset(
        {"show_id", "category", "capacity", "previous_capacity", "changed_by"}
    ),
    "ShowCancellationStarted": frozenset({"show_id", "categories", "cancelled_by"}),
    "ShowCancelled": frozenset({"show_id", "categories", "cancelled_by"}),
    "BookingRequested": _BOOKING,
    "BookingConfirmed": _BOOKING,
    "BookingRejected": _BOOKING | {"reason"},
    "BookingCancelled": _BOOKING | {"cancelled_by"},
    # Never the secret: it is what gets a ticket's holder in.
    "TicketIssued": frozenset(
        {"ticket_id", "source", "source_id", "seat", "show_id", "category", "user_id"}
    ),
    "TicketRevoked": frozenset({"ticket_id", "reason"}),
    "TicketCheckedIn": frozenset({"ticket_id", "show_id", "category", "checked_in_at"}),
}


def public_event(event: RecordedEvent) -> dict[str, Any]:
    """``{id, position, stream, type, data, recorded_at}`` with only the public fields in data."""
    allowed = PUBLIC_FIELDS.get(event.type, frozenset())
    return {
        "id": event.event_id,
        "position": event.position,
        "stream": event.stream,
        "type": event.type,
        "data": {name: value for name, value in event.data.items() if name in allowed},
        "recorded_at": timestamp(event.recorded_at),
    }
