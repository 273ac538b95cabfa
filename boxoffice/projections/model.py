"""What a read model is: a name, its indexes, and a pure projection of events to writes.

Every write is guarded by the version of the stream that produced the event, so
applying an event twice (a redelivered batch, another process running the same
projector, a rebuild overlapping the live runner) changes nothing:

* the event that starts a document (first in its stream for that document) is an
  upsert with ``$setOnInsert`` only, which does nothing when the document exists;
* every later event matches ``{"_id": ..., "<version field>": {"$lt": version}}``
  and sets the version field, so it applies once and only after its predecessors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import IndexModel, UpdateOne

from boxoffice.domain.events import Event
from boxoffice.eventstore import RecordedEvent

Document = dict[str, Any]
Write = UpdateOne
Project = Callable[[RecordedEvent, Event], list[Write]]


@dataclass(frozen=True)
class ReadModel:
    """``indexes`` never name ``_id``: nx-27017 then fails every write to the collection."""

    name: str
    event_types: frozenset[str]
    indexes: tuple[IndexModel, ...]
    project: Project


def guarded(
    doc_id: str,
    version_field: str,
    version: int,
    changes: Mapping[str, Any],
    *,
    increments: Mapping[str, int] | None = None,
) -> Write:
    """An update that applies only if the document has not seen ``version`` of its stream yet."""
    update: Document = {"$set": {**changes, version_field: version}}
    if increments:
        update["$inc"] = dict(increments)
    return UpdateOne({"_id": doc_id, version_field: {"$lt": version}}, update)


def created(doc_id: str, fields: Mapping[str, Any]) -> Write:
    """Insert-if-absent: a document's first event never overwrites what is already there."""
    return UpdateOne({"_id": doc_id}, {"$setOnInsert": dict(fields)}, upsert=True)
