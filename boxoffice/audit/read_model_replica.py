"""The read models as the log says they should be: every projector's own ``project``, folded in memory.

Each write is applied with the guards MongoDB applies to it (an insert only
when the document is absent, an update only while its version field is below
the write's first version), so the replica is what a projector that missed
nothing would have written.  It checks the read models against the log; the
projectors' logic itself is checked by their own tests.  Memory: one document
per offer, booking and user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from boxoffice.domain.events import UnknownEventType
from boxoffice.eventstore import RecordedEvent
from boxoffice.projections.model import ReadModel, Write
from boxoffice.projections.read_models import READ_MODELS

Document = dict[str, Any]


class ReadModelReplica:
    def __init__(self, models: Iterable[ReadModel] = READ_MODELS.values()) -> None:
        self.models = list(models)
        self.documents: dict[str, dict[str, Document]] = {m.name: {} for m in self.models}
        self.positions: dict[str, dict[str, int]] = {m.name: {} for m in self.models}
        self.version_fields: dict[str, set[str]] = {m.name: set() for m in self.models}

    def observe(self, event: RecordedEvent) -> None:
        """An event whose data cannot be projected is skipped: other checks name it."""
        for model in self.models:
            if event.type not in model.event_types:
                continue
            try:
                writes = model.writes(event)
            except (TypeError, KeyError, ValueError, UnknownEventType):
                continue
            for write in writes:
                self.version_fields[model.name].add(write.version_field)
                if _applied(self.documents[model.name], write):
                    self.positions[model.name][write.doc_id] = event.position


def _applied(documents: dict[str, Document], write: Write) -> bool:
    doc = documents.get(write.doc_id)
    if write.creates:
        if doc is not None:
            return False
        documents[write.doc_id] = {"_id": write.doc_id, **write.fields}
        return True
    applied = None if doc is None else doc.get(write.version_field)
    if doc is None or not isinstance(applied, int) or applied >= write.first_version:
        return False
    doc.update(write.fields)
    doc[write.version_field] = write.version
    for name, step in write.increments.items():
        doc[name] = doc.get(name, 0) + step
    return True
