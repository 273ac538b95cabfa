"""Shows and their ticket categories. A show's seats, every category, live in one inventory."""

from __future__ import annotations

from dataclasses import dataclass

from .events import Event, ShowCreated
from .inventory import open_inventory
from .streams import inventory_stream, show_stream


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    price: str
    currency: str
    capacity: int


@dataclass(frozen=True)
class CreateShow:
    show_id: str
    title: str
    venue: str
    starts_at: str
    categories: tuple[Category, ...]
    per_user_limit: int | None
    created_by: str


def create_show(command: CreateShow) -> list[tuple[str, list[Event]]]:
    """(stream, events) in the order to append them: the inventory first, the show last.

    The show becomes visible only once its inventory is open, so a booking can
    never reach a category whose seats do not exist yet.
    """
    codes = [c.code for c in command.categories]
    if not codes or len(set(codes)) != len(codes):
        raise ValueError("a show needs one or more categories with distinct codes")
    seats: list[Event] = [
        event
        for c in command.categories
        for event in open_inventory(command.show_id, c.code, c.capacity, command.per_user_limit)
    ]
    appends: list[tuple[str, list[Event]]] = [(inventory_stream(command.show_id), seats)]
    show = ShowCreated(
        show_id=command.show_id,
        title=command.title,
        venue=command.venue,
        starts_at=command.starts_at,
        categories=[
            {
                "code": c.code,
                "name": c.name,
                "price": c.price,
                "currency": c.currency,
                "capacity": c.capacity,
            }
            for c in command.categories
        ],
        per_user_limit=command.per_user_limit,
        created_by=command.created_by,
    )
    appends.append((show_stream(command.show_id), [show]))
    return appends
