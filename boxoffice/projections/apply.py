"""Applying a batch of events to one read-model collection: one write per touched document.

The batch's writes are folded per document (``coalesce``): the new documents
go in one insert, the updates in one ordered bulk write.  The results say
whether every folded write took effect (each creation inserted, each update
matched).  When one did not, a
document had already seen part of the batch (a redelivery, another runner, a
rebuild overlapping the live runner): the documents' applied versions are read
back and the writes they still lack are sent one by one, each guarded by its
own version as before, so the outcome never depends on who got there first.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.database import insert_new
from boxoffice.eventstore import RecordedEvent

from .coalesce import coalesce
from .model import Document, ReadModel, Write


def writes_for(model: ReadModel, events: Sequence[RecordedEvent]) -> list[Write]:
    return [
        write
        for event in events
        if event.type in model.event_types
        for write in model.writes(event)
    ]


async def apply_batch(
    collection: AsyncCollection[Document], model: ReadModel, events: Sequence[RecordedEvent]
) -> None:
    """Ordered bulk writes: a document's writes must land in stream-version order,
    or a version guard would drop the earlier one."""
    writes = writes_for(model, events)
    if not writes:
        return
    folded = coalesce(writes)
    if folded is None:
        await collection.bulk_write(writes, ordered=True)
        return
    if not await apply_folded(collection, folded):
        await apply_missing(collection, writes)


async def apply_folded(collection: AsyncCollection[Document], folded: Sequence[Write]) -> bool:
    """New documents first, in one plain insert, then the updates; True if every write took effect.

    Creations go first because a document's other lanes may update it in the
    same batch (an offer's show fields); a lane's own changes are already
    folded into its creation.
    """
    creations = [{"_id": write.doc_id, **write.fields} for write in folded if write.creates]
    updates = [write for write in folded if not write.creates]
    took_effect = all(await insert_new(collection, creations)) if creations else True
    if updates:
        result = await collection.bulk_write(updates, ordered=True)
        took_effect = took_effect and result.matched_count == len(updates)
    return took_effect


async def apply_missing(collection: AsyncCollection[Document], writes: Sequence[Write]) -> None:
    """Send, one by one, the writes whose version their document has not reached."""
    applied = await applied_versions(collection, writes)
    missing = [write for write in writes if not reached(applied.get(write.doc_id), write)]
    if missing:
        await collection.bulk_write(missing, ordered=True)


async def applied_versions(
    collection: AsyncCollection[Document], writes: Sequence[Write]
) -> dict[str, Document]:
    """The version fields of every document ``writes`` touch, by ``_id``; absent ones left out."""
    doc_ids = list(dict.fromkeys(write.doc_id for write in writes))
    fields = dict.fromkeys({write.version_field for write in writes}, 1)
    found = collection.find({"_id": {"$in": doc_ids}}, fields)
    return {doc["_id"]: doc async for doc in found}


def reached(versions: Document | None, write: Write) -> bool:
    return versions is not None and versions.get(write.version_field, 0) >= write.version
