"""Comparing read-model documents with what the log says, one document at a time.

Offers are compared on seats available per inventory, bookings on status.
Whatever the log has and the read model lacks is reported by ``missing``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .bookings import InventoryAudit
from .violations import READ_MODEL_MISMATCH, Violation


def offer_key(show_id: str, category: str) -> str:
    return f"{show_id}:{category}"


class ReadModelComparison:
    def __init__(self, inventories: Iterable[InventoryAudit]) -> None:
        self._offers: dict[str, tuple[int, int]] = {}
        self._bookings: dict[str, tuple[str, int]] = {}
        for inventory in inventories:
            state = inventory.state
            if state.opened:
                key = offer_key(state.show_id, state.category)
                self._offers[key] = (state.available, inventory.last_position)
            for booking_id, booking in state.bookings.items():
                self._bookings[booking_id] = (
                    booking.status,
                    inventory.booking_positions[booking_id],
                )

    def offer(self, doc: Mapping[str, Any]) -> Violation | None:
        expected = self._offers.pop(str(doc.get("_id")), None)
        if expected is None:
            return Violation(READ_MODEL_MISMATCH, (), f"offer {doc.get('_id')} is not in the log")
        available, position = expected
        if doc.get("available") != available:
            return Violation(
                READ_MODEL_MISMATCH,
                (position,),
                f"offer {doc['_id']}: read model says {doc.get('available')} available, "
                f"the log says {available}",
            )
        return None

    def booking(self, doc: Mapping[str, Any]) -> Violation | None:
        expected = self._bookings.pop(str(doc.get("_id")), None)
        if expected is None:
            return Violation(READ_MODEL_MISMATCH, (), f"booking {doc.get('_id')} is not in the log")
        status, position = expected
        if doc.get("status") != status:
            return Violation(
                READ_MODEL_MISMATCH,
                (position,),
                f"booking {doc['_id']}: read model says {doc.get('status')}, the log says {status}",
            )
        return None

    def missing_offers(self) -> list[Violation]:
        return [
            Violation(
                READ_MODEL_MISMATCH, (position,), f"offer {key} is missing from the read model"
            )
            for key, (_, position) in self._offers.items()
        ]

    def missing_bookings(self) -> list[Violation]:
        return [
            Violation(
                READ_MODEL_MISMATCH, (position,), f"booking {key} is missing from the read model"
            )
            for key, (_, position) in self._bookings.items()
        ]
