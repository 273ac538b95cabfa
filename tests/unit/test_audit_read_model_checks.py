"""Read-model documents compared with the inventories the audit folded from the log."""

from __future__ import annotations

from boxoffice.audit.auditor import LogAuditor
from boxoffice.audit.read_model_checks import Lag, ReadModelComparison, offer_key
from boxoffice.audit.violations import READ_MODEL_MISMATCH, Violation
from boxoffice.eventstore import InMemoryEventStore
from tests.audit_history import InventoryWriter, open_show


async def comparison() -> tuple[ReadModelComparison, InventoryWriter, list[str]]:
    store = InMemoryEventStore()
    writer = await InventoryWriter.load(store, await open_show(store, capacity=5))
    booked = await writer.book(("u1", 2), ("u2", 9))
    auditor = LogAuditor()
    async for event in store.read_all():
        auditor.observe(event)
    return ReadModelComparison(auditor.inventories), writer, booked


async def test_agreeing_documents_pass_and_nothing_is_missing() -> None:
    compare, writer, (confirmed, rejected) = await comparison()
    assert compare.offer({"_id": offer_key(writer.show_id, "A"), "available": 3}) is None
    assert compare.booking({"_id": confirmed, "status": "confirmed"}) is None
    assert compare.booking({"_id": rejected, "status": "rejected"}) is None
    assert compare.missing_offers() == compare.missing_bookings() == []


async def test_disagreeing_documents_are_mismatches_naming_both_values() -> None:
    compare, writer, (confirmed, _) = await comparison()
    offer = compare.offer({"_id": offer_key(writer.show_id, "A"), "available": 5})
    booking = compare.booking({"_id": confirmed, "status": "cancelled"})
    assert offer is not None and "says 5" in offer.detail and "log says 3" in offer.detail
    assert booking is not None and "cancelled" in booking.detail and "confirmed" in booking.detail


async def test_documents_the_log_lacks_and_log_entries_the_read_model_lacks() -> None:
    compare, _, (confirmed, rejected) = await comparison()
    assert compare.booking({"_id": "nobody", "status": "confirmed"}) is not None
    assert compare.booking({"_id": confirmed, "status": "confirmed"}) is None
    assert [rejected in v.detail for v in compare.missing_bookings()] == [True]
    assert len(compare.missing_offers()) == 1


async def test_a_document_below_the_version_the_log_reached_is_lag_not_drift() -> None:
    compare, writer, (confirmed, _) = await comparison()
    offer = offer_key(writer.show_id, "A")
    behind = compare.offer({"_id": offer, "available": 5, "iv": 1})
    booking_position = compare.disputed_booking({"_id": confirmed, "status": "pending", "v": 2})
    booking = compare.booking({"_id": confirmed, "status": "pending", "v": 2}, seen_version=3)

    assert behind == Lag(f"offer {offer}", applied=1, seen=5)
    assert booking_position is not None
    assert booking == Lag(f"booking {confirmed}", applied=2, seen=3)


async def test_a_document_at_the_version_the_log_reached_with_other_values_is_drift() -> None:
    compare, writer, (confirmed, _) = await comparison()
    offer = compare.offer({"_id": offer_key(writer.show_id, "A"), "available": 5, "iv": 5})
    booking = compare.booking({"_id": confirmed, "status": "pending", "v": 3}, seen_version=3)

    assert isinstance(offer, Violation) and offer.kind == READ_MODEL_MISMATCH
    assert isinstance(booking, Violation) and booking.kind == READ_MODEL_MISMATCH
