"""Comparing read-model documents with what the log says, one document at a time.

Offers are compared on seats available per inventory, bookings on status.
Whatever the log has and the read model lacks is reported by ``missing``.

A document that differs is told apart by the stream version it has applied
(``iv`` of an offer, ``v`` of a booking; ``boxoffice.projections``): below the
version the audit saw, its projector is merely behind (``Lag``, a note); the
same version with other values is drift (a ``read_model_mismatch``).  A
document without that field cannot show it is behind, so it counts as drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .bookings import InventoryAudit
from .violations import READ_MODEL_MISMATCH, Violation

OFFER_VERSION = "iv"
BOOKING_VERSION = "v"


def offer_key(show_id: str, category: str) -> str:
    return f"{show_id}:{category}"


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


def behind(doc: Mapping[str, Any], version_field: str, seen: int) -> bool:
    applied = doc.get(version_field)
    return isinstance(applied, int) and applied < seen


def lag(doc: Mapping[str, Any], version_field: str, document: str, seen: int) -> Lag:
    return Lag(document, int(doc[version_field]), seen)


class ReadModelComparison:
    def __init__(self, inventories: Iterable[InventoryAudit]) -> None:
        self._offers: dict[str, tuple[int, int, int]] = {}
        self._bookings: dict[str, tuple[str, int]] = {}
        for inventory in inventories:
            state = inventory.state
            if state.opened:
                key = offer_key(state.show_id, state.category)
                self._offers[key] = (state.available, inventory.last_position, state.version)
            for booking_id, booking in state.bookings.items():
                self._bookings[booking_id] = (
                    booking.status,
                    inventory.booking_positions[booking_id],
                )

    def offer(self, doc: Mapping[str, Any]) -> Finding | None:
        expected = self._offers.pop(str(doc.get("_id")), None)
        if expected is None:
            return Violation(READ_MODEL_MISMATCH, (), f"offer {doc.get('_id')} is not in the log")
        available, position, version = expected
        if doc.get("available") == available:
            return None
        if behind(doc, OFFER_VERSION, version):
            return lag(doc, OFFER_VERSION, f"offer {doc['_id']}", version)
        return Violation(
            READ_MODEL_MISMATCH,
            (position,),
            f"offer {doc['_id']}: read model says {doc.get('available')} available, "
            f"the log says {available}",
        )

    def disputed_booking(self, doc: Mapping[str, Any]) -> int | None:
        """The position of the booking's latest event when the document's status differs.

        The caller looks up that event's stream version and passes it to ``booking``.
        """
        expected = self._bookings.get(str(doc.get("_id")))
        if expected is None or doc.get("status") == expected[0]:
            return None
        return expected[1]

    def booking(self, doc: Mapping[str, Any], seen_version: int | None = None) -> Finding | None:
        """``seen_version``: the stream version of the booking's latest event in the log."""
        expected = self._bookings.pop(str(doc.get("_id")), None)
        if expected is None:
            return Violation(READ_MODEL_MISMATCH, (), f"booking {doc.get('_id')} is not in the log")
        status, position = expected
        if doc.get("status") == status:
            return None
        if seen_version is not None and behind(doc, BOOKING_VERSION, seen_version):
            return lag(doc, BOOKING_VERSION, f"booking {doc['_id']}", seen_version)
        return Violation(
            READ_MODEL_MISMATCH,
            (position,),
            f"booking {doc['_id']}: read model says {doc.get('status')}, the log says {status}",
        )

    def missing_offers(self) -> list[Violation]:
        return [
            Violation(
                READ_MODEL_MISMATCH, (position,), f"offer {key} is missing from the read model"
            )
            for key, (_, position, _) in self._offers.items()
        ]

    def missing_bookings(self) -> list[Violation]:
        return [
            Violation(
                READ_MODEL_MISMATCH, (position,), f"booking {key} is missing from the read model"
            )
            for key, (_, position) in self._bookings.items()
        ]
