"""Reading the read models the audit compares with the log.

The live collection of a read model is whichever generation its pointer names
(``boxoffice.projections.generations``); one that does not exist yet was never
built, which the audit notes rather than reports as a violation.  So is a
projector that is merely behind the log (``read_model_checks.Lag``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from boxoffice.eventstore import EventStore, MongoEventStore, StoreUnavailable
from boxoffice.projections.generations import live_collection

from .read_model_checks import Finding, Lag, ReadModelComparison
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
    """(notes, violations): a read model not built yet, or behind the log, is a note."""
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
        findings = await _offer_findings(offers, comparison)
        notes += lag_notes(OFFERS, findings)
        found += violations(findings)
        found += comparison.missing_offers()
    if bookings is None:
        notes.append("read models: bookings not built")
    else:
        findings = await _booking_findings(bookings, comparison, MongoEventStore(database))
        notes += lag_notes(BOOKINGS, findings)
        found += violations(findings)
        found += comparison.missing_bookings()
    return notes, found


async def _offer_findings(
    collection: AsyncCollection[Document], comparison: ReadModelComparison
) -> list[Finding]:
    findings: list[Finding] = []
    async for doc in collection.find({}):
        finding = comparison.offer(doc)
        if finding is not None:
            findings.append(finding)
    return findings


async def _booking_findings(
    collection: AsyncCollection[Document], comparison: ReadModelComparison, store: EventStore
) -> list[Finding]:
    """A booking whose status differs costs one log read: the version of its latest event."""
    findings: list[Finding] = []
    async for doc in collection.find({}):
        disputed = comparison.disputed_booking(doc)
        seen = None if disputed is None else await version_at(store, disputed)
        finding = comparison.booking(doc, seen)
        if finding is not None:
            findings.append(finding)
    return findings


async def version_at(store: EventStore, position: int) -> int | None:
    """The stream version of the event at global ``position``."""
    events = [event async for event in store.read_all(position - 1, limit=1)]
    return events[0].version if events else None


def violations(findings: Sequence[Finding]) -> list[Violation]:
    return [finding for finding in findings if isinstance(finding, Violation)]


def lag_notes(name: str, findings: Sequence[Finding]) -> list[str]:
    """One note per read model: how many documents are behind, and the first of them."""
    lags = [finding for finding in findings if isinstance(finding, Lag)]
    if not lags:
        return []
    return [
        f"read models: {name} behind the log on {len(lags)} document(s), "
        f"e.g. {lags[0].detail} (projector lag, not drift)"
    ]
