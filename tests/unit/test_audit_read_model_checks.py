"""Read-model documents compared field by field with the replica the audit folds from the log."""

from __future__ import annotations

from boxoffice.audit.read_model_checks import Lag, ReadModelComparison
from boxoffice.audit.read_model_replica import ReadModelReplica
from boxoffice.audit.violations import READ_MODEL_MISMATCH, Violation
from boxoffice.eventstore import InMemoryEventStore
from tests.audit_history import InventoryWriter, open_show


async def comparison() -> tuple[ReadModelComparison, ReadModelReplica, InventoryWriter, list[str]]:
    store = InMemoryEventStore()
    writer = await InventoryWriter.load(store, await open_show(store, capacity=5))
    booked = await writer.book(("u1", 2), ("u2", 9))
    replica = ReadModelReplica()
    async for event in store.read_all():
        replica.observe(event)
    return ReadModelComparison(replica), replica, writer, booked


def copy_of(replica: ReadModelReplica, name: str, doc_id: str, **changes: object) -> dict:
    return {**replica.documents[name][doc_id], **changes}


async def test_agreeing_documents_pass_and_nothing_is_missing() -> None:
    compare, replica, writer, (confirmed, rejected) = await comparison()
    offer = f"{writer.show_id}:A"
    assert compare.document("offers", copy_of(replica, "offers", offer), 0) is None
    for booking in (confirmed, rejected):
        assert compare.document("bookings", copy_of(replica, "bookings", booking), 0) is None
    assert compare.missing("offers") == compare.missing("bookings") == []


async def test_every_differing_field_is_named_with_both_values() -> None:
    compare, replica, _, (confirmed, _) = await comparison()
    edited = copy_of(replica, "bookings", confirmed, quantity=4, user_id="mallory")
    booking = compare.document("bookings", edited, 0)
    assert isinstance(booking, Violation) and booking.kind == READ_MODEL_MISMATCH
    assert booking.detail == (
        f"booking {confirmed}: quantity is 4 in the read model, 2 in the log; "
        "user_id is 'mallory' in the read model, 'u1' in the log"
    )


async def test_a_field_the_log_does_not_have_is_drift() -> None:
    compare, replica, writer, _ = await comparison()
    offer = copy_of(replica, "offers", f"{writer.show_id}:A", discount="50%")
    found = compare.document("offers", offer, 0)
    assert (
        isinstance(found, Violation)
        and "discount is '50%' in the read model, absent" in found.detail
    )


async def test_documents_the_log_lacks_and_log_entries_the_read_model_lacks() -> None:
    compare, replica, _, (confirmed, rejected) = await comparison()
    assert compare.document("bookings", {"_id": "nobody", "status": "confirmed"}, 0) is not None
    assert compare.document("bookings", copy_of(replica, "bookings", confirmed), 0) is None
    assert [rejected in v.detail for v in compare.missing("bookings")] == [True]
    assert len(compare.missing("offers")) == 1


async def test_a_document_below_the_version_the_log_reached_is_lag_while_the_checkpoint_is_too() -> (
    None
):
    compare, replica, _, (confirmed, _) = await comparison()
    behind = copy_of(replica, "bookings", confirmed, status="pending", v=2)
    assert compare.document("bookings", behind, checkpoint=0) == Lag(
        f"booking {confirmed}", applied=2, seen=3
    )


async def test_a_document_behind_a_checkpoint_that_passed_it_is_drift() -> None:
    compare, replica, _, (confirmed, _) = await comparison()
    behind = copy_of(replica, "bookings", confirmed, status="pending", v=2)
    found = compare.document("bookings", behind, checkpoint=1_000)
    assert isinstance(found, Violation) and found.kind == READ_MODEL_MISMATCH


async def test_a_document_at_the_version_the_log_reached_with_other_values_is_drift() -> None:
    compare, replica, writer, _ = await comparison()
    offer = copy_of(replica, "offers", f"{writer.show_id}:A", available=5)
    found = compare.document("offers", offer, 0)
    assert isinstance(found, Violation) and found.kind == READ_MODEL_MISMATCH
