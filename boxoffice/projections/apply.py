"""Applying a batch of events to one read-model collection in one round trip."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.domain.events import from_stored
from boxoffice.eventstore import RecordedEvent

from .model import Document, ReadModel, Write


def writes_for(model: ReadModel, events: Sequence[RecordedEvent]) -> list[Write]:
    return [
        write
        for event in events
        if event.type in model.event_types
        for write in model.project(event, from_stored(event.type, event.data))
    ]


async def apply_batch(
    collection: AsyncCollection[Document], model: ReadModel, events: Sequence[RecordedEvent]
) -> None:
    """One ordered bulk write: a document's updates must land in stream-version order,
    or a version guard would drop the earlier one."""
    writes = writes_for(model, events)
    if writes:
        await collection.bulk_write(writes, ordered=True)
