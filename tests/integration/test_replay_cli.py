"""``boxoffice replay`` on the real store: order, filters, table, --verify, redaction, pipes."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta

import click
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.audit.commands import iso_time
from boxoffice.domain.inventory import OrderLine
from boxoffice.domain.orders import ExpireOrder, PlaceOrder
from boxoffice.eventstore import MongoEventStore
from boxoffice.eventstore.hashing import timestamp
from tests.audit_history import (
    PASSWORD_HASH,
    InventoryWriter,
    boxoffice,
    open_show,
    register_user,
)


@pytest.fixture
async def writer(database: AsyncDatabase[dict]) -> InventoryWriter:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    await register_user(store, "ann@example.com")
    await open_show(store, capacity=3)
    writer = await InventoryWriter.load(
        store, await open_show(store, capacity=10, categories=("A", "B"))
    )
    first, _ = await writer.book(("u1", 2), ("u2", 9))
    await writer.book(("u3", 1))
    await writer.cancel(first)
    return writer


async def replay(mongo_uri: str, db_name: str, *args: str) -> list[dict]:
    result = await boxoffice(mongo_uri, db_name, "replay", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


async def test_every_event_comes_out_once_in_global_order_with_every_field(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    records = await replay(mongo_uri, db_name)
    assert [r["position"] for r in records] == list(range(1, 14))
    assert set(records[0]) == {
        "position", "stream", "version", "type", "schema_version", "event_id",
        "recorded_at", "data", "metadata", "hash", "previous_hash",
    }  # fmt: skip
    assert records[-1]["type"] == "BookingCancelled"
    assert records[-1]["previous_hash"] == records[-2]["hash"]


async def test_password_hashes_never_leave_the_log(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    for args in ([], ["--format", "table"], ["--type", "UserRegistered"]):
        result = await boxoffice(mongo_uri, db_name, "replay", *args)
        assert "SECRET" not in result.output and PASSWORD_HASH not in result.output
    (registered,) = await replay(mongo_uri, db_name, "--type", "UserRegistered")
    assert registered["data"]["password_hash"] == "[redacted]"
    assert registered["data"]["email"] == "ann@example.com"


async def test_filters_by_stream_booking_show_and_types(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    stream = await replay(mongo_uri, db_name, "--stream", writer.stream)
    assert [r["version"] for r in stream] == list(range(1, 10))
    booking_id = stream[2]["data"]["booking_id"]
    booking = await replay(mongo_uri, db_name, "--booking", booking_id)
    assert [r["type"] for r in booking] == [
        "BookingRequested",
        "BookingConfirmed",
        "BookingCancelled",
    ]
    show = await replay(mongo_uri, db_name, "--show", writer.show_id)
    assert {r["stream"] for r in show} == {writer.stream, f"show-{writer.show_id}"}
    types = await replay(mongo_uri, db_name, "--type", "BookingRejected", "--type", "ShowCreated")
    assert sorted(r["type"] for r in types) == ["BookingRejected", "ShowCreated", "ShowCreated"]
    both = await replay(mongo_uri, db_name, "--show", writer.show_id, "--type", "ShowCreated")
    assert [r["stream"] for r in both] == [f"show-{writer.show_id}"]


async def test_filters_by_position_and_time(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    records = await replay(mongo_uri, db_name)
    assert [r["position"] for r in await replay(mongo_uri, db_name, "--from-position", "9")] == [
        9, 10, 11, 12, 13,
    ]  # fmt: skip
    cut = records[10]["recorded_at"]
    since = await replay(mongo_uri, db_name, "--since", cut)
    until = await replay(mongo_uri, db_name, "--until", cut)
    assert since[0]["recorded_at"] == cut and all(r["recorded_at"] >= cut for r in since)
    assert all(r["recorded_at"] < cut for r in until)
    assert len(since) + len(until) == len(records)
    first = await replay(mongo_uri, db_name, "--until", cut.replace("Z", "+00:00"))
    assert first == until


async def test_an_unreadable_time_is_a_usage_error(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    result = await boxoffice(mongo_uri, db_name, "replay", "--since", "yesterday")
    assert result.exit_code == 2 and "ISO 8601" in result.output


async def test_the_table_format_lines_up_key_fields(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    result = await boxoffice(
        mongo_uri, db_name, "replay", "--format", "table", "--stream", writer.stream
    )
    header, *rows = result.stdout.splitlines()
    assert header.split()[:5] == ["POSITION", "TIME", "STREAM", "TYPE", "DETAILS"]
    assert len(rows) == 9
    assert rows[0].split()[2:4] == [writer.stream, "InventoryOpened"] and "capacity=10" in rows[0]
    rejected = next(row for row in rows if "BookingRejected" in row)
    assert "quantity=9" in rejected and "status=rejected" in rejected
    assert "reason=insufficient_availability" in rejected
    assert len({row.index(writer.stream) for row in rows}) == 1


async def test_verify_passes_on_an_untouched_log(
    writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    for args in ([], ["--type", "BookingConfirmed"], ["--from-position", "7"]):
        result = await boxoffice(mongo_uri, db_name, "replay", "--verify", *args)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""


async def test_verify_names_the_position_of_a_tampered_event(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    records = await replay(mongo_uri, db_name, "--type", "BookingConfirmed")
    target = records[0]
    commit = await database.events.find_one(
        {"_id": {"$lte": target["position"]}}, sort=[("_id", -1)]
    )
    commit["events"][target["position"] - commit["_id"]]["data"]["user_id"] = "mallory"
    await database.events.update_one({"_id": commit["_id"]}, {"$set": {"events": commit["events"]}})
    for args in ([], ["--booking", target["data"]["booking_id"]]):
        result = await boxoffice(mongo_uri, db_name, "replay", "--verify", *args)
        assert result.exit_code == 1
        assert f"hash_mismatch at position {target['position']}:" in result.stderr
    unverified = await boxoffice(mongo_uri, db_name, "replay")
    assert unverified.exit_code == 0


async def test_verify_finds_an_event_that_no_longer_links_to_its_predecessor(
    database: AsyncDatabase[dict], writer: InventoryWriter, mongo_uri: str, db_name: str
) -> None:
    stream = await replay(mongo_uri, db_name, "--stream", writer.stream)
    last = stream[-1]
    await database.events.delete_one({"_id": stream[2]["position"]})
    result = await boxoffice(mongo_uri, db_name, "replay", "--verify", "--stream", writer.stream)
    assert result.exit_code == 1
    named = re.search(r"chain_break at position ([\d,]+)", result.stderr)
    assert named is not None
    assert last["position"] not in {int(p) for p in named.group(1).split(",")}


async def test_replay_into_a_reader_that_stops_early_ends_quietly(
    database: AsyncDatabase[dict], mongo_uri: str, db_name: str
) -> None:
    store = MongoEventStore(database)
    writer = await InventoryWriter.load(store, await open_show(store, capacity=10_000))
    for _ in range(3):
        await writer.book(*((f"u{i}", 1) for i in range(200)))
    env = {**os.environ, "MONGODB_URI": mongo_uri, "BOXOFFICE_DB_NAME": db_name}

    def first_line_then_close() -> tuple[bytes, int, bytes]:
        with subprocess.Popen(
            [sys.executable, "-m", "boxoffice", "replay"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        ) as process:  # fmt: skip
            assert process.stdout is not None and process.stderr is not None
            line = process.stdout.readline()
            process.stdout.close()
            errors = process.stderr.read()
            return line, process.wait(timeout=60), errors

    line, code, errors = await asyncio.to_thread(first_line_then_close)
    assert json.loads(line)["position"] == 1
    assert (code, errors) == (0, b"")


def test_iso_times_keep_their_zone_and_default_to_utc() -> None:
    def parse(value: str) -> datetime | None:
        return iso_time(click.Context(click.Command("x")), click.Option(["--x"]), value)

    assert timestamp(parse("2030-01-01T10:00:00")) == "2030-01-01T10:00:00.000Z"
    moment = parse("2030-01-01T10:00:00+02:00")
    assert moment is not None and moment.utcoffset() == timedelta(hours=2)
    assert timestamp(moment) == "2030-01-01T08:00:00.000Z"


async def test_filters_by_order(writer: InventoryWriter, mongo_uri: str, db_name: str) -> None:
    line = OrderLine("A", 1, "10.00", "EUR")
    await writer.decide(PlaceOrder("o-1", writer.show_id, "u1", (line,), 60), now_ms=1)
    await writer.decide(PlaceOrder("o-2", writer.show_id, "u2", (line,), 60), now_ms=1)
    await writer.decide(ExpireOrder("o-1"), now_ms=10**13)
    records = await replay(mongo_uri, db_name, "--order", "o-1")
    assert [r["type"] for r in records] == ["OrderPlaced", "OrderExpired"]
