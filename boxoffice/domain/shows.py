"""Shows and their ticket categories. A show's seats, every category, live in one inventory.

The show stream describes the show (``ShowCreated``, then ``ShowChanged`` with
the whole description after each change); the inventory stream holds what
decisions need: seats, the sales window in epoch milliseconds, the status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .events import Event, SalesWindowSet, ShowChanged, ShowCreated
from .inventory import open_inventory
from .streams import inventory_stream, show_stream

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instant_ms(value: str) -> int:
    """An ISO 8601 time with a zone (``2027-01-31T19:30:00Z``) in epoch milliseconds."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(milliseconds=1)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    price: str
    currency: str
    capacity: int

    def to_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "price": self.price,
            "currency": self.currency,
            "capacity": self.capacity,
        }


@dataclass(frozen=True)
class CreateShow:
    show_id: str
    title: str
    venue: str
    starts_at: str
    categories: tuple[Category, ...]
    per_user_limit: int | None
    created_by: str
    sales_start: str | None = None
    sales_end: str | None = None
    hold_seconds: int | None = None


@dataclass(frozen=True)
class Schedule:
    """When a show starts and when its seats are sold, as ISO 8601 strings."""

    starts_at: str
    sales_start: str | None
    sales_end: str | None

    def problems(self, now_ms: int) -> list[tuple[str, str]]:
        """(field, message) for each rule the schedule breaks at ``now_ms``."""
        found = []
        if instant_ms(self.starts_at) <= now_ms:
            found.append(("starts_at", "must be in the future"))
        if (
            self.sales_start is not None
            and self.sales_end is not None
            and instant_ms(self.sales_start) >= instant_ms(self.sales_end)
        ):
            found.append(("sales_end", "must be after sales_start"))
        return found

    def window(self, show_id: str) -> SalesWindowSet:
        return SalesWindowSet(
            show_id,
            instant_ms(self.starts_at),
            None if self.sales_start is None else instant_ms(self.sales_start),
            None if self.sales_end is None else instant_ms(self.sales_end),
        )


def create_show(command: CreateShow) -> list[tuple[str, list[Event]]]:
    """(stream, events) in the order to append them: the inventory first, the show last.

    The show becomes visible only once its inventory is open, so a booking can
    never reach a category whose seats do not exist yet.
    """
    codes = [c.code for c in command.categories]
    if not codes or len(set(codes)) != len(codes):
        raise ValueError("a show needs one or more categories with distinct codes")
    window = Schedule(command.starts_at, command.sales_start, command.sales_end).window(
        command.show_id
    )
    seats: list[Event] = [
        event
        for c in command.categories
        for event in open_inventory(
            command.show_id, c.code, c.capacity, command.per_user_limit, window
        )
    ]
    appends: list[tuple[str, list[Event]]] = [(inventory_stream(command.show_id), seats)]
    show = ShowCreated(
        show_id=command.show_id,
        title=command.title,
        venue=command.venue,
        starts_at=command.starts_at,
        categories=[c.to_data() for c in command.categories],
        per_user_limit=command.per_user_limit,
        created_by=command.created_by,
        sales_start=command.sales_start,
        sales_end=command.sales_end,
        hold_seconds=command.hold_seconds,
    )
    appends.append((show_stream(command.show_id), [show]))
    return appends


@dataclass(frozen=True)
class ShowRecord:
    """A show as its stream describes it now; ``version`` is the last event of its stream.

    ``categories`` are dicts (code, name, price, currency, capacity as first
    offered; the inventory holds the capacity as it is now).
    """

    show_id: str
    title: str
    venue: str
    starts_at: str
    categories: list[dict[str, Any]]
    per_user_limit: int | None
    created_by: str
    sales_start: str | None
    sales_end: str | None
    hold_seconds: int | None
    version: int = 0

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.starts_at, self.sales_start, self.sales_end)

    def description(self) -> dict[str, Any]:
        """The fields a ``ShowChanged`` carries whole."""
        return {
            "title": self.title,
            "venue": self.venue,
            "starts_at": self.starts_at,
            "sales_start": self.sales_start,
            "sales_end": self.sales_end,
            "hold_seconds": self.hold_seconds,
            "categories": self.categories,
        }


def evolve_show(record: ShowRecord | None, event: Event) -> ShowRecord | None:
    match event:
        case ShowCreated():
            return ShowRecord(
                event.show_id,
                event.title,
                event.venue,
                event.starts_at,
                list(event.categories),
                event.per_user_limit,
                event.created_by,
                event.sales_start,
                event.sales_end,
                event.hold_seconds,
                1,
            )
        case ShowChanged() if record is not None:
            return replace(
                record,
                title=event.title,
                venue=event.venue,
                starts_at=event.starts_at,
                sales_start=event.sales_start,
                sales_end=event.sales_end,
                hold_seconds=event.hold_seconds,
                categories=list(event.categories),
                version=record.version + 1,
            )
    return None if record is None else replace(record, version=record.version + 1)


def fold_show(events: Iterable[Event], record: ShowRecord | None = None) -> ShowRecord | None:
    for event in events:
        record = evolve_show(record, event)
    return record
