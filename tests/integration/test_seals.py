"""Sealing the log and auditing it against the seals: attacks by someone who can write the database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli import main
from boxoffice.domain.events import RoleGranted
from boxoffice.domain.streams import user_stream
from boxoffice.eventstore import EventStore, MongoEventStore, RecordedEvent
from boxoffice.eventstore.commits import build_commit
from boxoffice.eventstore.model import new_id
from boxoffice.seals.records import SealRecords
from boxoffice.seals.sealer import Sealer
from tests.audit_history import InventoryWriter, new_events, open_show, register_user

EMAIL = "mallory@example.com"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "seal-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture
async def store(database: AsyncDatabase[dict]) -> MongoEventStore:
    store = MongoEventStore(database)
    await store.ensure_indexes()
    return store


@pytest.fixture
async def writer(store: MongoEventStore) -> InventoryWriter:
    await register_user(store, EMAIL)
    writer = await InventoryWriter.load(store, await open_show(store, capacity=10))
    await writer.book(("u1", 2), ("u2", 3))
    await writer.book(("u3", 1))
    return writer


def sealer_on(
    database: AsyncDatabase[dict], key_file: Path, store: EventStore | None = None, **options: Any
) -> Sealer:
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return Sealer(
        store or MongoEventStore(database),
        SealRecords(database),
        key,
        options.pop("export_path", None),
        interval=options.pop("interval", 3600.0),
        idle_seconds=0.01,
        **options,
    )


async def seal_head(database: AsyncDatabase[dict], key_file: Path, **options: Any) -> int:
    """A fresh sealer reads the whole log and seals its head; the sealed position."""
    sealer = sealer_on(database, key_file, **options)
    head = await MongoEventStore(database).head_position()
    while sealer.position < head:
        await sealer.step()
    await sealer.seal()
    latest = await SealRecords(database).latest()
    assert latest is not None and latest.position == head
    return head


async def cli(mongo_uri: str, db_name: str, key_file: Path, *args: str) -> Result:
    env = {
        "MONGODB_URI": mongo_uri,
        "BOXOFFICE_DB_NAME": db_name,
        "BOXOFFICE_SEAL_KEY_FILE": str(key_file),
    }
    return await asyncio.to_thread(
        CliRunner().invoke, main, list(args), env=env, catch_exceptions=False
    )


async def audit(mongo_uri: str, db_name: str, key_file: Path, *args: str) -> tuple[int, str]:
    result = await cli(mongo_uri, db_name, key_file, "audit", *args)
    return result.exit_code, result.stdout


async def commits(database: AsyncDatabase[dict]) -> list[dict]:
    return await database.events.find({"_id": {"$gte": 1}}).sort("_id", ASCENDING).to_list()


async def insert_into_history(database: AsyncDatabase[dict], position: int, doc: dict) -> None:
    """Put ``doc`` at ``position`` and move every later commit up: gapless, chains intact."""
    later = [c for c in await commits(database) if c["_id"] >= position]
    await database.events.delete_many({"_id": {"$gte": position}})
    doc["_id"] = position
    shifted = [{**c, "_id": c["_id"] + doc["n"]} for c in later]
    await database.events.insert_many([doc, *shifted])


async def forged_role_grant(database: AsyncDatabase[dict]) -> dict:
    """A RoleGranted that makes Mallory an admin, hash-chained to her registration."""
    registration = await database.events.find_one({"stream": user_stream(EMAIL)})
    assert registration is not None
    user_id = registration["events"][0]["data"]["user_id"]
    return build_commit(
        user_stream(EMAIL),
        new_events([RoleGranted(user_id, "admin")]),
        base_version=1,
        previous_hash=registration["h"],
        commit_id=new_id(),
        recorded_at=registration["at"],
    )


async def test_a_sealed_log_passes_audit_and_says_how_far_it_is_sealed(
    database: AsyncDatabase[dict], writer: InventoryWriter, key_file: Path, mongo_uri: str
) -> None:
    head = await seal_head(database, key_file)
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 0, out
    assert f"the log is sealed up to position {head}" in out


async def test_a_forged_event_with_a_recomputed_hash_fails_audit(
    database: AsyncDatabase[dict], writer: InventoryWriter, key_file: Path, mongo_uri: str
) -> None:
    head = await seal_head(database, key_file)
    registration = await database.events.find_one({"stream": user_stream(EMAIL)})
    await insert_into_history(database, registration["_id"] + 1, await forged_role_grant(database))
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 1
    assert f"seal_mismatch at position {head}: the seal: the log up to here does not hash" in out
    assert "hash_mismatch" not in out and "chain_break" not in out


async def test_a_deleted_last_commit_before_the_last_seal_fails_audit(
    database: AsyncDatabase[dict], writer: InventoryWriter, key_file: Path, mongo_uri: str
) -> None:
    head = await seal_head(database, key_file)
    last = (await commits(database))[-1]
    await database.events.delete_one({"_id": last["_id"]})
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 1
    assert (
        f"log_truncated at position {head}: the log ends at {last['_id'] - 1} but was sealed "
        f"up to {head}" in out
    )


async def test_a_deleted_tail_with_its_seals_fails_audit_against_a_saved_checkpoint(
    database: AsyncDatabase[dict],
    writer: InventoryWriter,
    key_file: Path,
    mongo_uri: str,
    tmp_path: Path,
) -> None:
    head = await seal_head(database, key_file)
    saved = tmp_path / "saved.jsonl"
    saved.write_text((await cli(mongo_uri, database.name, key_file, "seals", "export")).stdout)
    last = (await commits(database))[-1]
    await database.events.delete_one({"_id": last["_id"]})
    await database.seals.delete_many({"_id": {"$gte": last["_id"]}})
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 0, out  # without what the auditor kept, nothing is left to tell
    code, out = await audit(mongo_uri, database.name, key_file, "--checkpoints", str(saved))
    assert code == 1
    assert (
        f"seal_missing at position {head}: saved seal: the store no longer holds it: "
        "seals were deleted" in out
    )
    assert f"log_truncated at position {head}:" in out


async def test_a_tampered_seal_signature_fails_audit(
    database: AsyncDatabase[dict], writer: InventoryWriter, key_file: Path, mongo_uri: str
) -> None:
    head = await seal_head(database, key_file)
    await database.seals.update_one({"_id": head}, {"$set": {"running_hash": "0" * 64}})
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 1
    assert (
        f"seal_signature_invalid at position {head}: the seal: its signature does not verify" in out
    )


async def test_a_seal_signed_by_another_key_fails_audit(
    database: AsyncDatabase[dict],
    writer: InventoryWriter,
    key_file: Path,
    mongo_uri: str,
    tmp_path: Path,
) -> None:
    head = await seal_head(database, key_file)
    auditors_key = tmp_path / "other.pem"
    auditors_key.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    code, out = await audit(mongo_uri, database.name, key_file, "--public-key", str(auditors_key))
    assert code == 1
    assert f"seal_signature_invalid at position {head}: the seal: signed by key" in out


async def test_a_commit_after_the_last_seal_is_reported_as_not_yet_sealed(
    database: AsyncDatabase[dict], writer: InventoryWriter, key_file: Path, mongo_uri: str
) -> None:
    head = await seal_head(database, key_file)
    await writer.book(("u4", 1))
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 0, out
    assert f"seals: 2 event(s) after position {head} not yet sealed" in out


async def test_the_public_key_alone_verifies_the_seals(
    database: AsyncDatabase[dict],
    writer: InventoryWriter,
    key_file: Path,
    mongo_uri: str,
    tmp_path: Path,
) -> None:
    await seal_head(database, key_file)
    public = tmp_path / "public.pem"
    public.write_text((await cli(mongo_uri, database.name, key_file, "seals", "public-key")).stdout)
    code, out = await audit(
        mongo_uri, database.name, tmp_path / "absent.pem", "--public-key", str(public)
    )
    assert code == 0, out


class ReadsFrom:
    """An event store that records where each ``read_all`` started."""

    def __init__(self, store: MongoEventStore) -> None:
        self.store = store
        self.starts: list[int] = []

    def read_all(self, after: int = 0, limit: int | None = None) -> AsyncIterator[RecordedEvent]:
        self.starts.append(after)
        return self.store.read_all(after, limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def test_the_sealer_resumes_from_its_last_seal_after_a_restart(
    database: AsyncDatabase[dict],
    store: MongoEventStore,
    writer: InventoryWriter,
    key_file: Path,
    mongo_uri: str,
) -> None:
    sealed = await seal_head(database, key_file)
    await writer.book(("u4", 1))
    spy = ReadsFrom(MongoEventStore(database))
    restarted = sealer_on(database, key_file, store=spy)  # type: ignore[arg-type]
    await restarted.step()
    assert spy.starts[0] == sealed
    latest = await SealRecords(database).latest()
    assert latest is not None and latest.position == sealed + 2
    code, out = await audit(mongo_uri, database.name, key_file)
    assert code == 0, out
    assert "seals: 2 checked" in out


async def test_two_sealers_on_one_log_produce_consistent_seals(
    database: AsyncDatabase[dict],
    store: MongoEventStore,
    writer: InventoryWriter,
    key_file: Path,
    mongo_uri: str,
    tmp_path: Path,
) -> None:
    export = tmp_path / "seals.jsonl"
    sealers = [sealer_on(database, key_file, interval=0.02, export_path=export) for _ in range(2)]
    for sealer in sealers:
        sealer.start()
    for i in range(6):
        await writer.book((f"u{i}", 1))
        await asyncio.sleep(0.03)
    head = await store.head_position()
    async with asyncio.timeout(10):
        while any(s.position < head for s in sealers):  # noqa: ASYNC110 - background tasks' progress
            await asyncio.sleep(0.01)
    for sealer in sealers:
        await sealer.stop()  # both seal the head: one stores it, the other reads it back
    seals = await database.seals.find({"_id": {"$gte": 0}}).sort("_id", DESCENDING).to_list()
    assert seals[0]["_id"] == head
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    assert sorted(line["position"] for line in lines) == sorted(seal["_id"] for seal in seals)
    code, out = await audit(mongo_uri, database.name, key_file, "--checkpoints", str(export))
    assert code == 0, out
