"""What a read model is: a name, its indexes, and a pure projection of events to writes.

Every write is guarded by the version of the stream that produced the event, so
applying an event twice (a redelivered batch, another process running the same
projector, a rebuild overlapping the live runner) changes nothing:

* the event that starts a document (first in its stream for that document) is an
  upsert with ``$setOnInsert`` only, which does nothing when the document exists;
* every later event matches ``{"_id": ..., "<version field>": {"$lt": version}}``
  and sets the version field, so it applies once and only after its predecessors.

A ``Write`` also keeps its parts, so that ``coalesce`` can fold the writes one
batch makes to a document into one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import IndexModel, UpdateOne

from boxoffice.domain.events import Event, from_stored
from boxoffice.eventstore import RecordedEvent

Document = dict[str, Any]


class Write(UpdateOne):
    """A guarded update (or an insert-if-absent) of one document, built from its parts.

    ``version_field`` holds the version of the stream that last changed the
    document; the update applies only while it is below ``first_version`` and
    leaves it at ``version``.  One event's write has ``first_version == version``;
    a folded write spans several versions.
    """

    __slots__ = (
        "creates",
        "doc_id",
        "fields",
        "first_version",
        "increments",
        "version",
        "version_field",
    )

    def __init__(
        self,
        doc_id: str,
        version_field: str,
        versions: tuple[int, int],
        fields: Mapping[str, Any],
        increments: Mapping[str, int],
        *,
        creates: bool,
    ) -> None:
        self.doc_id = doc_id
        self.version_field = version_field
        self.first_version, self.version = versions
        self.fields = dict(fields)
        self.increments = dict(increments)
        self.creates = creates
        if creates:
            super().__init__({"_id": doc_id}, {"$setOnInsert": self.fields}, upsert=True)
            return
        update: Document = {"$set": {**self.fields, version_field: self.version}}
        if self.increments:
            update["$inc"] = self.increments
        super().__init__({"_id": doc_id, version_field: {"$lt": self.first_version}}, update)


Project = Callable[[RecordedEvent, Event], list[Write]]
Decode = Callable[[RecordedEvent], Event]


def stored_event(recorded: RecordedEvent) -> Event:
    return from_stored(recorded.type, recorded.data)


@dataclass(frozen=True)
class ReadModel:
    """``indexes`` never name ``_id``: nx-27017 then fails every write to the collection.

    ``decode`` turns a stored event of ``event_types`` into what ``project`` takes:
    the domain event, unless the read model counts an event type by its name alone.
    """

    name: str
    event_types: frozenset[str]
    indexes: tuple[IndexModel, ...]
    project: Project
    decode: Decode = stored_event

    def writes(self, recorded: RecordedEvent) -> list[Write]:
        return self.project(recorded, self.decode(recorded))


def guarded(
    doc_id: str,
    version_field: str,
    version: int,
    changes: Mapping[str, Any],
    *,
    increments: Mapping[str, int] | None = None,
) -> Write:
    """An update that applies only if the document has not seen ``version`` of its stream yet."""
    return Write(
        doc_id, version_field, (version, version), changes, increments or {}, creates=False
    )


def created(doc_id: str, version_field: str, fields: Mapping[str, Any]) -> Write:
    """Insert-if-absent: a document's first event never overwrites what is already there.

    ``fields`` include ``version_field``, the version of the stream that starts the document.
    """
    version = int(fields[version_field])
    return Write(doc_id, version_field, (version, version), fields, {}, creates=True)
