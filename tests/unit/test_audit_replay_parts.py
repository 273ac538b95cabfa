"""Replay's pure parts: selection, redaction, JSON and table rendering, filtered chain checks."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from boxoffice.audit.chain import ChainVerifier
from boxoffice.audit.records import REDACTED, json_line, redact
from boxoffice.audit.selection import Selection
from boxoffice.audit.table import table_header, table_row
from boxoffice.audit.violations import CHAIN_BREAK, HASH_MISMATCH
from boxoffice.eventstore import InMemoryEventStore, NewEvent, RecordedEvent
from tests.audit_history import PASSWORD_HASH, InventoryWriter, open_show, register_user


async def bookings_log() -> tuple[list[RecordedEvent], InventoryWriter]:
    store = InMemoryEventStore()
    await register_user(store, "ann@example.com")
    writer = await InventoryWriter.load(store, await open_show(store, capacity=5))
    await writer.book(("u1", 2), ("u2", 9))
    return [event async for event in store.read_all()], writer


def test_secrets_are_redacted_at_any_depth() -> None:
    value = {"password_hash": "x", "nested": [{"password_hash": "y", "keep": 1}]}
    assert redact(value) == {
        "password_hash": REDACTED,
        "nested": [{"password_hash": REDACTED, "keep": 1}],
    }


async def test_a_json_line_has_every_field_and_no_password_hash() -> None:
    events, _ = await bookings_log()
    line = json_line(events[0])
    record = json.loads(line)
    assert list(record) == [
        "position", "stream", "version", "type", "schema_version", "event_id",
        "recorded_at", "data", "metadata", "hash", "previous_hash",
    ]  # fmt: skip
    assert record["type"] == "UserRegistered"
    assert record["data"]["password_hash"] == REDACTED
    assert PASSWORD_HASH not in line
    assert record["recorded_at"].endswith("Z")


async def test_a_table_row_shows_the_key_fields_and_the_status() -> None:
    events, _ = await bookings_log()
    rejected = next(e for e in events if e.type == "BookingRejected")
    row = table_row(rejected)
    assert row.split()[0] == str(rejected.position)
    assert f"booking_id={rejected.data['booking_id']}" in row
    assert "quantity=9" in row and "status=rejected" in row and "reason=" in row
    assert table_header().split()[:4] == ["POSITION", "TIME", "STREAM", "TYPE"]


async def test_selection_filters_combine() -> None:
    events, writer = await bookings_log()
    booking_id = events[-1].data["booking_id"]
    only = Selection(booking_id=booking_id, types=("BookingRejected",))
    assert [e.type for e in events if only.matches(e)] == ["BookingRejected"]
    shows = Selection(show_id=writer.show_id, from_position=3)
    assert all(e.position >= 3 for e in events if shows.matches(e))
    moment = events[2].recorded_at
    window = Selection(since=moment, until=moment + timedelta(milliseconds=1))
    assert events[2] in [e for e in events if window.matches(e)]
    assert not Selection(until=moment).matches(events[2])


def test_the_commit_query_ranges_over_positions_and_whole_seconds() -> None:
    assert Selection().commit_query(1) == {"_id": {"$gte": 1}}
    since = datetime(2030, 1, 1, 10, 0, 0, 250_000, tzinfo=UTC)
    query = Selection(streams=("s",), types=("A", "B"), since=since).commit_query(7)
    assert query == {
        "$and": [
            {"_id": {"$gte": 7}},
            {"stream": {"$in": ["s"]}},
            {"$or": [{"events.type": "A"}, {"events.type": "B"}]},
            {"at": {"$gte": since.replace(microsecond=0)}},
        ]
    }


def test_only_an_unfiltered_selection_covers_whole_streams() -> None:
    assert Selection(streams=("s",)).whole_streams
    assert not Selection(from_position=2).whole_streams
    assert not Selection(types=("A",)).whole_streams


async def test_a_filtered_chain_check_links_only_adjacent_versions() -> None:
    store = InMemoryEventStore()
    await store.append("s", [NewEvent("E", {"n": n}) for n in range(4)], 0)
    v1, v2, v3, v4 = [event async for event in store.read_all()]
    assert [ChainVerifier(complete=False).check(e) for e in (v2, v4)] == [[], []]
    verifier = ChainVerifier(complete=False)
    assert verifier.check(v2) == []
    forged = dataclasses.replace(v3, previous_hash=v1.hash)
    assert {v.kind for v in verifier.check(forged)} == {HASH_MISMATCH, CHAIN_BREAK}


async def test_a_complete_chain_check_links_every_event_to_the_one_seen_before() -> None:
    store = InMemoryEventStore()
    await store.append("s", [NewEvent("E", {"n": n}) for n in range(3)], 0)
    v1, _, v3 = [event async for event in store.read_all()]
    verifier = ChainVerifier(complete=True)
    assert verifier.check(v1) == []
    (violation,) = verifier.check(v3)
    assert (violation.kind, violation.positions) == (CHAIN_BREAK, (1, 3))


async def test_a_table_row_escapes_control_characters_in_event_data() -> None:
    events, _ = await bookings_log()
    registered = dataclasses.replace(events[0], data={**events[0].data, "email": "\x1b[2J\x00"})
    row = table_row(registered)
    assert "email=\\x1b[2J\\x00" in row
    assert "\x1b" not in row and "\x00" not in row
