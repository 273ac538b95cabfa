"""Comparing read-model documents with the log's replica of them, field by field.

A document that differs is told apart by the stream versions it has applied
(``iv``/``sv`` of an offer, ``v`` of a booking or a user; see
``boxoffice.projections``).  It is merely behind (``Lag``, a note) only when a
version is below the log's AND its collection's projection checkpoint has not
passed the document's latest event: a projector writes its batch before moving
its checkpoint, so a document behind a checkpoint that passed it was edited.
Anything else that differs is drift (a ``read_model_mismatch``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .read_model_replica import ReadModelReplica
from .violations import READ_MODEL_MISMATCH, Violation

ABSENT = object()


@dataclass(frozen=True)
class Lag:
    """A read-model document that has not applied the latest event the audit saw for it."""

    document: str
    applied: int
    seen: int

    @property
    def detail(self) -> str:
        return f"{self.document} at version {self.applied}, the log at {self.seen}"


Finding = Violation | Lag


def label(name: str, doc_id: object) -> str:
    """``offer 1a2b:STALLS``, ``booking 3c4d``, ``user 5e6f``."""
    return f"{name.removesuffix('s')} {doc_id}"


def shown(value: object) -> str:
    return "absent" if value is ABSENT else repr(value)


class ReadModelComparison:
    def __init__(self, replica: ReadModelReplica) -> None:
        self._replica = replica

    def document(self, name: str, doc: Mapping[str, Any], checkpoint: int) -> Finding | None:
        """``checkpoint``: how far the projector of ``doc``'s collection says it has applied."""
        doc_id = doc.get("_id")
        expected = self._replica.documents[name].pop(str(doc_id), None)
        if expected is None:
            return Violation(READ_MODEL_MISMATCH, (), f"{label(name, doc_id)} is not in the log")
        position = self._replica.positions[name][str(doc_id)]
        differing = [
            field
            for field in sorted(expected.keys() | doc.keys())
            if doc.get(field, ABSENT) != expected.get(field, ABSENT)
        ]
        if not differing:
            return None
        if checkpoint < position:
            for field in sorted(self._replica.version_fields[name]):
                applied, seen = doc.get(field), expected.get(field)
                if isinstance(applied, int) and isinstance(seen, int) and applied < seen:
                    return Lag(label(name, doc_id), applied, seen)
        changes = "; ".join(
            f"{field} is {shown(doc.get(field, ABSENT))} in the read model, "
            f"{shown(expected.get(field, ABSENT))} in the log"
            for field in differing
        )
        return Violation(READ_MODEL_MISMATCH, (position,), f"{label(name, doc_id)}: {changes}")

    def missing(self, name: str) -> list[Violation]:
        """What the log has and the read model lacks (call after every document was compared)."""
        positions = self._replica.positions[name]
        return [
            Violation(
                READ_MODEL_MISMATCH,
                (positions[doc_id],),
                f"{label(name, doc_id)} is missing from the read model",
            )
            for doc_id in self._replica.documents[name]
        ]
