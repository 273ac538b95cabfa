"""Reading the read models the audit compares with the log.

The live collection of a read model is whichever generation its pointer names
(``boxoffice.projections.generations``); one that does not exist yet was never
built, which the audit notes rather than reports as a violation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from boxoffice.eventstore import StoreUnavailable
from boxoffice.projections.generations import live_collection

from .read_model_checks import ReadModelComparison
from .violations import Violation

Document = dict[str, Any]
OFFERS = "offers"
BOOKINGS = "bookings"


async def built(database: AsyncDatabase[Document], name: str) -> AsyncCollection[Document] | None:
    """The live collection of read model ``name``, or None when it was never built."""
    collection = await live_collection(database, name)
    return collection if collection.name in await database.list_collection_names() else None


async def compare_read_models(
    database: AsyncDatabase[Document], comparison: ReadModelComparison
) -> tuple[list[str], list[Violation]]:
    """(notes, violations): a read model not built yet is a note, not a violation."""
    try:
        return await _compare(database, comparison)
    except PyMongoError as exc:
        raise StoreUnavailable(f"reading the read models failed: {exc}") from None


async def _compare(
    database: AsyncDatabase[Document], comparison: ReadModelComparison
) -> tuple[list[str], list[Violation]]:
    notes: list[str] = []
    found: list[Violation] = []
    offers = await built(database, OFFERS)
    bookings = await built(database, BOOKINGS)
    if offers is None and bookings is None:
        return ["read models: not built"], []
    if offers is None:
        notes.append("read models: offers not built")
    else:
        found += await _each(offers, comparison.offer)
        found += comparison.missing_offers()
    if bookings is None:
        notes.append("read models: bookings not built")
    else:
        found += await _each(bookings, comparison.booking)
        found += comparison.missing_bookings()
    return notes, found


async def _each(
    collection: AsyncCollection[Document], check: Callable[[Mapping[str, Any]], Violation | None]
) -> list[Violation]:
    found = []
    async for doc in collection.find({}):
        violation = check(doc)
        if violation is not None:
            found.append(violation)
    return found
