"""The read side of tickets: a source's tickets, a ticket by id or by secret, a show's check-ins.

A revoked ticket no longer counts as issued; a ticket checked in and later
revoked (its show cancelled after the doors opened) still counts as checked in.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.domain.tickets import REVOKED, secret_digest

from .generations import live_collection
from .tickets import TICKETS

Document = dict[str, Any]


async def tickets_of(db: AsyncDatabase[Document], source: str, source_id: str) -> list[Document]:
    """The tickets of a booking or an order, by seat (documents, with ``user_id``)."""
    tickets = await live_collection(db, TICKETS.name)
    docs = await tickets.find({"source_id": source_id, "source": source}).to_list()
    return sorted(docs, key=lambda doc: doc["seat"])


async def get_ticket(db: AsyncDatabase[Document], ticket_id: str) -> Document | None:
    tickets = await live_collection(db, TICKETS.name)
    return await tickets.find_one({"_id": ticket_id})


async def ticket_by_secret(db: AsyncDatabase[Document], secret: str) -> Document | None:
    tickets = await live_collection(db, TICKETS.name)
    return await tickets.find_one({"secret_digest": secret_digest(secret)})


async def checkins(db: AsyncDatabase[Document], show_id: str) -> Document:
    """``{show_id, checked_in, issued, categories: [{category, checked_in, issued}]}``."""
    tickets = await live_collection(db, TICKETS.name)
    counts: dict[str, dict[str, int]] = {}
    found = tickets.find({"show_id": show_id}, {"category": 1, "status": 1, "checked_in_at": 1})
    async for doc in found:
        category = counts.setdefault(doc["category"], {"checked_in": 0, "issued": 0})
        category["issued"] += doc["status"] != REVOKED
        category["checked_in"] += doc["checked_in_at"] is not None
    categories = [{"category": name, **counts[name]} for name in sorted(counts)]
    return {
        "show_id": show_id,
        "checked_in": sum(c["checked_in"] for c in categories),
        "issued": sum(c["issued"] for c in categories),
        "categories": categories,
    }
