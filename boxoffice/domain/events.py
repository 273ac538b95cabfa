"""Domain events: frozen dataclasses, named in the past tense, stored as plain dicts.

The ``type`` stored in the log is the class name; ``schema_version`` lets an
event's shape evolve (an upcaster per bump would live here).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    schema_version: ClassVar[int] = 1

    def to_data(self) -> dict[str, Any]:
        """The fields as a dict (shallow: events are immutable, and so is what they hold)."""
        return dict(vars(self))


@dataclass(frozen=True)
class UserRegistered(Event):
    user_id: str
    email: str
    name: str
    password_hash: str
    role: str


@dataclass(frozen=True)
class RoleGranted(Event):
    user_id: str
    role: str


@dataclass(frozen=True)
class RoleRevoked(Event):
    user_id: str
    role: str


@dataclass(frozen=True)
class PasswordChanged(Event):
    user_id: str
    password_hash: str


@dataclass(frozen=True)
class ShowCreated(Event):
    show_id: str
    title: str
    venue: str
    starts_at: str
    categories: list[dict[str, Any]]
    per_user_limit: int | None
    created_by: str
    sales_start: str | None = None
    sales_end: str | None = None
    hold_seconds: int | None = None
    """None for shows created before shows had their own hold time: the setting applies."""


@dataclass(frozen=True)
class ShowChanged(Event):
    """The show's description after a change, whole; ``changed`` names the fields that moved."""

    show_id: str
    title: str
    venue: str
    starts_at: str
    sales_start: str | None
    sales_end: str | None
    hold_seconds: int | None
    categories: list[dict[str, Any]]
    changed: list[str]
    changed_by: str


@dataclass(frozen=True)
class InventoryOpened(Event):
    """One category's seats; every category of a show carries the show's sales window
    (epoch milliseconds, as in ``SalesWindowSet``; None in shows opened before windows)."""

    show_id: str
    category: str
    capacity: int
    per_user_limit: int | None
    starts_at_ms: int | None = None
    sales_start_ms: int | None = None
    sales_end_ms: int | None = None


@dataclass(frozen=True)
class SalesWindowSet(Event):
    """When the show's seats may be sold, in epoch milliseconds: from ``sales_start_ms`` (None:
    at once) until ``sales_end_ms`` (None: no end) and never from ``starts_at_ms`` on."""

    show_id: str
    starts_at_ms: int
    sales_start_ms: int | None
    sales_end_ms: int | None


@dataclass(frozen=True)
class CategoryAdded(Event):
    show_id: str
    category: str
    capacity: int


@dataclass(frozen=True)
class CapacityChanged(Event):
    show_id: str
    category: str
    capacity: int
    previous_capacity: int
    changed_by: str


@dataclass(frozen=True)
class ShowCancellationStarted(Event):
    """Sales close for good; every booking and order of the show is to be cancelled."""

    show_id: str
    categories: list[str]
    cancelled_by: str


@dataclass(frozen=True)
class ShowCancelled(Event):
    """Every booking and order of the show has been cancelled: the cancellation is complete."""

    show_id: str
    categories: list[str]
    cancelled_by: str


@dataclass(frozen=True)
class BookingRequested(Event):
    booking_id: str
    show_id: str
    category: str
    user_id: str
    quantity: int


@dataclass(frozen=True)
class BookingConfirmed(Event):
    booking_id: str
    show_id: str
    category: str
    user_id: str
    quantity: int


@dataclass(frozen=True)
class BookingRejected(Event):
    booking_id: str
    show_id: str
    category: str
    user_id: str
    quantity: int
    reason: str


@dataclass(frozen=True)
class BookingCancelled(Event):
    booking_id: str
    show_id: str
    category: str
    user_id: str
    quantity: int
    cancelled_by: str


@dataclass(frozen=True)
class OrderPlaced(Event):
    """Seats held for a buyer until ``expires_at_ms``; ``items``: category, quantity, unit_price,
    currency (money as decimal strings)."""

    order_id: str
    show_id: str
    user_id: str
    items: list[dict[str, Any]]
    amount: str
    currency: str
    expires_at_ms: int


@dataclass(frozen=True)
class OrderRejected(Event):
    """Nothing held; ``refused`` lists the items that could not be held."""

    order_id: str
    show_id: str
    user_id: str
    items: list[dict[str, Any]]
    reason: str
    refused: list[dict[str, Any]]


@dataclass(frozen=True)
class OrderPaid(Event):
    """The held seats are sold; ``reheld`` when they were held again after the order expired."""

    order_id: str
    show_id: str
    user_id: str
    items: list[dict[str, Any]]
    amount: str
    currency: str
    payment_id: str
    provider_event_id: str | None
    paid_by: str
    reheld: bool


@dataclass(frozen=True)
class PaymentRefused(Event):
    """A payment event recorded without paying the order: failed, wrong amount, or too late."""

    order_id: str
    show_id: str
    provider_event_id: str | None
    payment_id: str
    amount: str
    currency: str
    reason: str


@dataclass(frozen=True)
class TicketIssued(Event):
    """One seat's ticket; ``source`` is ``booking`` or ``order``, ``seat`` its number there.

    ``secret`` is what the QR code carries; it never leaves through the feed.
    """

    ticket_id: str
    source: str
    source_id: str
    seat: int
    show_id: str
    category: str
    user_id: str
    secret: str


@dataclass(frozen=True)
class TicketRevoked(Event):
    ticket_id: str
    reason: str


@dataclass(frozen=True)
class OrderExpired(Event):
    order_id: str
    show_id: str
    user_id: str
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class OrderCancelled(Event):
    """Seats given back; ``refund_due`` when the order had been paid."""

    order_id: str
    show_id: str
    user_id: str
    items: list[dict[str, Any]]
    cancelled_by: str
    refund_due: bool


@dataclass(frozen=True)
class OrderRefundDue(Event):
    """Money arrived for an order whose seats are gone: it is owed back."""

    order_id: str
    show_id: str
    user_id: str
    items: list[dict[str, Any]]
    payment_id: str
    amount: str
    currency: str
    provider_event_id: str | None
    reason: str


@dataclass(frozen=True)
class TicketCheckedIn(Event):
    ticket_id: str
    show_id: str
    category: str
    nonce: str
    checked_in_at: str
    scanned_by: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        UserRegistered,
        RoleGranted,
        RoleRevoked,
        PasswordChanged,
        ShowCreated,
        ShowChanged,
        InventoryOpened,
        SalesWindowSet,
        CategoryAdded,
        CapacityChanged,
        ShowCancellationStarted,
        ShowCancelled,
        BookingRequested,
        BookingConfirmed,
        BookingRejected,
        BookingCancelled,
        OrderPlaced,
        OrderRejected,
        OrderPaid,
        PaymentRefused,
        OrderExpired,
        OrderCancelled,
        OrderRefundDue,
        TicketIssued,
        TicketRevoked,
        TicketCheckedIn,
    )
}


_FIELDS = {cls: frozenset(f.name for f in dataclasses.fields(cls)) for cls in EVENT_TYPES.values()}


class UnknownEventType(ValueError):
    pass


def from_stored(type_name: str, data: Mapping[str, Any]) -> Event:
    """Rebuild a domain event from its stored type name and data."""
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        raise UnknownEventType(type_name)
    names = _FIELDS[cls]
    return cls(**{k: v for k, v in data.items() if k in names})
