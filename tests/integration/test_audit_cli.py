"""``boxoffice audit`` on the real store: a clean log passes, each kind of tampering is named."""

from __future__ import annotations

import random
import time

import pytest
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRequested,
    RoleGranted,
)
from boxoffice.domain.inventory import OrderLine
from boxoffice.domain.orders import ApplyPayment, PlaceOrder
from boxoffice.domain.shows import Category, CreateShow, create_show
from boxoffice.domain.streams import user_stream
from boxoffice.domain.users import register
from boxoffice.eventstore import NO_STREAM, MongoEventStore
from boxoffice.eventstore.model import new_id
from boxoffice.projections.apply import apply_batch
from boxoffice.projections.checkpoints import save_checkpoint
from boxoffice.projections.generations import ensure_generation
from boxoffice.projections.read_models import READ_MODELS
from tests.audit_history import (
    InventoryWriter,
    append,
    boxoffice,
    forge_commit,
    open_show,
    register_user,
)


@pytest.fixture
async def writer(database: AsyncDatabase[dict]) -> InventoryWriter:
    """Capacity 10, 4 per user; 3 booking commits, one cancellation; 2 seats left."""
    store = MongoEventStore(database)
    await store.ensure_indexes()
    await register_user(store, "ann@example.com")
    writer = await InventoryWriter.load(store, await open_show(store, per_user_limit=4))
    first, _ = await writer.book(("u1", 2), ("u2", 4))
    await writer.book(("u3", 4), ("u1", 3))
    await writer.book(("u4", 1), ("u5", 1))
    await writer.cancel(first)
    return writer


async def commits_of(database: AsyncDatabase[dict], stream: str) -> list[dict]:
    return (
        await database.events.find({"stream": stream, "v": {"$gte": 1}})
        .sort("v", ASCENDING)
        .to_list()
    )


async def audit(mongo_uri: str, db_name: str) -> tuple[int, str]:
    result = await boxoffice(mongo_uri, db_name, "audit")
    return result.exit_code, result.stdout


async def test_a_clean_log_of_ten_thousand_events_passes(
    database: AsyncDatabase[dict], mongo_uri: str, db_name: str
) -> None:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    show_id = await open_show(
        store, capacity=2_600, categories=("A", "B", "C", "D"), per_user_limit=8
    )
    rng = random.Random(7)
    for category in "ABCD":
        writer = await InventoryWriter.load(store, show_id, category)
        for _ in range(5):
            booked = await writer.book(
                *((f"u{rng.randrange(300)}", rng.randint(1, 3)) for _ in range(250))
            )
            for booking_id in booked[:3]:
                if writer.state.bookings[booking_id].status == "confirmed":
                    await writer.cancel(booking_id)
    started = time.perf_counter()
    code, out = await audit(mongo_uri, db_name)
    assert time.perf_counter() - started < 20
    events = await store.head_position()
    assert events >= 10_000
    assert code == 0, out
    assert f"events: {events}" in out and "bookings: 5000" in out
    assert "read models: not built" in out and out.rstrip().endswith("audit passed")


async def test_an_event_edited_in_place_is_a_hash_mismatch_at_its_position(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    commit = (await commits_of(database, writer.stream))[1]
    index = [e["type"] for e in commit["events"]].index("BookingConfirmed")
    commit["events"][index]["data"]["quantity"] = 1
    # The whole array is set: nx-27017 ignores a $set on "events.<index>.data.quantity".
    await database.events.update_one({"_id": commit["_id"]}, {"$set": {"events": commit["events"]}})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"hash_mismatch at position {commit['_id'] + index}:" in out


async def test_a_deleted_commit_leaves_gaps_and_a_broken_chain(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    commit = (await commits_of(database, writer.stream))[2]
    await database.events.delete_one({"_id": commit["_id"]})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    after = commit["_id"] + commit["n"]
    assert f"position_gap at position {after}:" in out
    assert f"version_gap at position {after}:" in out
    assert "chain_break at position" in out


async def test_a_copied_commit_inserted_at_the_head_is_caught_by_its_hashes(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    commits = await commits_of(database, writer.stream)
    head = await database.events.find_one({"_id": {"$gte": 1}}, sort=[("_id", -1)])
    copy = {**commits[1], "_id": head["_id"] + head["n"], "cid": "forged"}
    copy.update(v=commits[-1]["v"] + commits[-1]["n"], ph=commits[-1]["h"])
    await database.events.insert_one(copy)
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"hash_mismatch at position {copy['_id']}:" in out


async def test_two_commits_swapped_in_the_log_break_versions_and_chain(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    _, first, second, *_ = await commits_of(database, writer.stream)
    assert first["n"] == second["n"]
    await database.events.delete_many({"_id": {"$in": [first["_id"], second["_id"]]}})
    await database.events.insert_many(
        [{**first, "_id": second["_id"]}, {**second, "_id": first["_id"]}]
    )
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"version_gap at position {first['_id']}:" in out
    assert "chain_break at position" in out


async def test_events_reordered_inside_a_commit_no_longer_match_their_hashes(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    commit = (await commits_of(database, writer.stream))[1]
    events = commit["events"]
    events[0], events[2] = events[2], events[0]
    await database.events.update_one({"_id": commit["_id"]}, {"$set": {"events": events}})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"hash_mismatch at position {commit['_id']}:" in out


async def test_a_well_hashed_forged_confirmation_is_caught_by_the_capacity_check(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    details = ("forged", writer.show_id, "A", "u9", 3)
    position = await forge_commit(
        database, writer.stream, [BookingRequested(*details), BookingConfirmed(*details)]
    )
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    violations = [line for line in out.splitlines() if " at position " in line]
    assert violations == [
        f"availability_out_of_range at position {position + 1}: "
        f"{writer.stream} A: -1 seats available and 0 held of 10"
    ]


async def test_a_second_cancellation_is_a_double_cancel(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    booking_id, booking = next(
        (b, s) for b, s in writer.state.bookings.items() if s.status == "cancelled"
    )
    again = BookingCancelled(
        booking_id, writer.show_id, "A", booking.user_id, booking.quantity, "u1"
    )
    position = await forge_commit(database, writer.stream, [again])
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"double_cancel at position {position - 1},{position}:" in out


async def test_a_decision_without_a_request_is_named(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    position = await forge_commit(
        database, writer.stream, [BookingConfirmed("ghost", writer.show_id, "A", "u7", 1)]
    )
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"decision_without_request at position {position}:" in out


async def test_seats_beyond_the_per_user_limit_are_named(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    details = ("greedy", writer.show_id, "A", "u2", 1)
    position = await forge_commit(
        database, writer.stream, [BookingRequested(*details), BookingConfirmed(*details)]
    )
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"per_user_limit_exceeded at position {position + 1}:" in out


async def test_a_commit_that_cannot_be_decoded_is_named(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    head = await database.events.find_one({"_id": {"$gte": 1}}, sort=[("_id", -1)])
    position = head["_id"] + head["n"]
    await database.events.insert_one({"_id": position, "stream": writer.stream, "v": 99})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"malformed_commit at position {position}:" in out


async def project(database: AsyncDatabase[dict], store: MongoEventStore) -> None:
    """Every read model built from the whole log by the real projectors, checkpoints saved."""
    events = [event async for event in store.read_all()]
    for model in READ_MODELS.values():
        generation = await ensure_generation(database, model)
        await apply_batch(database[generation.collection], model, events)
        await save_checkpoint(database, generation.collection, events[-1].position)


async def test_read_models_that_agree_with_the_log_pass(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    await project(database, writer.store)
    code, out = await audit(mongo_uri, db_name)
    assert code == 0, out
    assert "not built" not in out


async def test_read_models_that_lag_behind_the_log_are_a_note_not_a_violation(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    await project(database, writer.store)
    await database.projection_checkpoints.delete_many({})
    cancelled = next(b for b, s in writer.state.bookings.items() if s.status == "cancelled")
    offer = f"{writer.show_id}:A"
    await database.offers_g1.update_one({"_id": offer}, {"$set": {"available": 0, "iv": 13}})
    await database.bookings_g1.update_one(
        {"_id": cancelled}, {"$set": {"status": "confirmed", "v": 3}}
    )
    code, out = await audit(mongo_uri, db_name)
    assert code == 0, out
    assert (
        f"offers behind the log on 1 document(s), e.g. offer {offer} at version 13, the log at 14"
        in out
    )
    assert (
        f"bookings behind the log on 1 document(s), e.g. booking {cancelled} at version 3, the log at 14"
        in out
    )


async def test_a_document_lowered_below_a_checkpoint_that_passed_it_is_a_mismatch(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    await project(database, writer.store)
    cancelled = next(b for b, s in writer.state.bookings.items() if s.status == "cancelled")
    await database.bookings_g1.update_one(
        {"_id": cancelled}, {"$set": {"status": "confirmed", "v": 3}}
    )
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"booking {cancelled}: status is 'confirmed' in the read model, 'cancelled'" in out


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("bookings", "quantity", 9),
        ("bookings", "user_id", "mallory"),
        ("offers", "price", "0.01"),
        ("offers", "title", "Macbeth"),
        ("users", "role", "admin"),
    ],
)
async def test_an_edited_read_model_field_is_a_mismatch(
    database: AsyncDatabase[dict],
    writer: InventoryWriter,
    mongo_uri: str,
    db_name: str,
    model: str,
    field: str,
    value: object,
) -> None:
    await project(database, writer.store)
    collection = database[f"{model}_g1"]
    doc = await collection.find_one({"_id": {"$gte": ""}})
    await collection.update_one({"_id": doc["_id"]}, {"$set": {field: value}})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    singular = model.removesuffix("s")
    assert f"{singular} {doc['_id']}: {field} is {value!r} in the read model, {doc[field]!r}" in out


async def test_read_models_behind_a_pointer_that_disagree_are_mismatches(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    await project(database, writer.store)
    offer = await database.offers_g1.find_one({"_id": f"{writer.show_id}:A"})
    await database.read_models.update_one(
        {"_id": "offers"}, {"$set": {"collection": "offers_g3", "generation": 3}}
    )
    await database.offers_g3.insert_one({**offer, "available": 7})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"offer {writer.show_id}:A: available is 7 in the read model, 2 in the log" in out


async def test_a_registration_moved_after_the_users_own_booking_is_a_causal_order_violation(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    user_id = new_id()
    await writer.book((user_id, 1))
    booked_at = await writer.store.head_position() - 1
    email = "late@example.com"
    await append(writer.store, user_stream(email), register(user_id, email, "Late", "x"), NO_STREAM)
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert (
        f"causal_order at position {booked_at},{booked_at + 2}: user {user_id} is registered "
        f"at {booked_at + 2}, after its own BookingRequested at {booked_at}" in out
    )


async def test_a_show_created_before_its_creator_was_granted_admin_is_a_causal_order_violation(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    user_id = new_id()
    email = "eager@example.com"
    await append(writer.store, user_stream(email), register(user_id, email, "E", "x"), NO_STREAM)
    show = CreateShow(
        "eager-show", "Lear", "Globe", "2030-01-01T19:30:00Z",
        (Category("A", "A", "10.00", "EUR", 5),), None, user_id,
    )  # fmt: skip
    for stream, events in create_show(show):
        await append(writer.store, stream, events, NO_STREAM)
    await append(writer.store, user_stream(email), [RoleGranted(user_id, "admin")], 1)
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"show eager-show is created by user {user_id}, who is not an admin yet" in out


async def paid_order(writer: InventoryWriter) -> str:
    line = OrderLine("A", 1, "10.00", "EUR")
    await writer.decide(PlaceOrder("o-paid", writer.show_id, "u7", (line,), 600), now_ms=1)
    payment = ApplyPayment("o-paid", True, "10.00", "EUR", "pay_1", "evt_1", "provider")
    await writer.decide(payment, now_ms=2)
    return "o-paid"


async def test_a_paid_order_passes_and_an_edited_payment_event_is_a_hash_mismatch(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    await paid_order(writer)
    assert (await audit(mongo_uri, db_name))[0] == 0
    commit = await database.events.find_one({"events.type": "OrderPaid"})
    commit["events"][0]["data"]["amount"] = "0.01"
    await database.events.update_one({"_id": commit["_id"]}, {"$set": commit})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"hash_mismatch at position {commit['_id']}:" in out


async def test_an_order_edited_in_its_read_model_is_a_mismatch(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    order_id = await paid_order(writer)
    await project(database, writer.store)
    await database.orders_g1.update_one({"_id": order_id}, {"$set": {"status": "refund_due"}})
    code, out = await audit(mongo_uri, db_name)
    assert code == 1
    assert f"order {order_id}: status is 'refund_due' in the read model, 'paid'" in out
