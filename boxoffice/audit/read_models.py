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

from boxoffice.eventstore import StoreUnavailable
from boxoffice.projections.checkpoints import load_checkpoint
from boxoffice.projections.generations import live_collection

from .read_model_checks import Finding, Lag, ReadModelComparison
from .read_model_replica import ReadModelReplica
from .violations import Violation

Document = dict[str, Any]


async def built(database: AsyncDatabase[Document], name: str) -> AsyncCollection[Document] | None:
    """The live collection of read model ``name``, or None when it was never built."""
    collection = await live_collection(database, name)
    return collection if collection.name in await database.list_collection_names() else None


async def compare_read_models(
    database: AsyncDatabase[Document], replica: ReadModelReplica
) -> tuple[list[str], list[Violation]]:
    """(notes, violations): a read model not built yet, or behind the log, is a note."""
    try:
        return await _compare(database, replica)
    except PyMongoError as exc:
        raise StoreUnavailable(f"reading the read models failed: {exc}") from None


async def _compare(
    database: AsyncDatabase[Document], replica: ReadModelReplica
) -> tuple[list[str], list[Violation]]:
    comparison = ReadModelComparison(replica)
    names = [model.name for model in replica.models]
    collections = {name: await built(database, name) for name in names}
    if all(collection is None for collection in collections.values()):
        return ["read models: not built"], []
    notes: list[str] = []
    found: list[Violation] = []
    for name, collection in collections.items():
        if collection is None:
            notes.append(f"read models: {name} not built")
            continue
        checkpoint = await load_checkpoint(database, collection.name)
        findings = [
            finding
            async for doc in collection.find({})
            if (finding := comparison.document(name, doc, checkpoint)) is not None
        ]
        notes += lag_notes(name, findings)
        found += violations(findings)
        found += comparison.missing(name)
    return notes, found


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
