"""Commit documents: one append's events, hash-chained, as stored and as read back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .hashing import event_hash
from .model import AppendResult, NewEvent, RecordedEvent

Document = dict[str, Any]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def decode_commit(doc: Mapping[str, Any]) -> list[RecordedEvent]:
    previous = str(doc["ph"])
    decoded = []
    for i, raw in enumerate(doc["events"]):
        decoded.append(
            RecordedEvent(
                event_id=raw["id"],
                stream=doc["stream"],
                version=doc["v"] + i,
                position=doc["_id"] + i,
                type=raw["type"],
                schema_version=raw["schema"],
                data=raw["data"],
                metadata=raw["meta"],
                recorded_at=_aware(doc["at"]),
                commit_id=doc["cid"],
                hash=raw["h"],
                previous_hash=previous,
            )
        )
        previous = raw["h"]
    return decoded


def commit_result(doc: Mapping[str, Any], *, duplicate: bool) -> AppendResult:
    return AppendResult(
        stream=doc["stream"],
        commit_id=doc["cid"],
        first_version=doc["v"],
        last_version=doc["v"] + doc["n"] - 1,
        first_position=doc["_id"],
        last_position=doc["_id"] + doc["n"] - 1,
        duplicate=duplicate,
    )


def build_commit(
    stream: str,
    events: Sequence[NewEvent],
    *,
    base_version: int,
    previous_hash: str,
    commit_id: str,
    recorded_at: datetime,
) -> Document:
    """The commit document, hashes chained, without its global position yet."""
    stored = []
    chain = previous_hash
    for i, event in enumerate(events):
        chain = event_hash(
            chain,
            stream=stream,
            version=base_version + 1 + i,
            event_id=event.event_id,
            type=event.type,
            schema_version=event.schema_version,
            data=event.data,
            metadata=event.metadata,
            recorded_at=recorded_at,
        )
        stored.append(
            {
                "id": event.event_id,
                "type": event.type,
                "schema": event.schema_version,
                "data": dict(event.data),
                "meta": dict(event.metadata),
                "h": chain,
            }
        )
    return {
        "stream": stream,
        "v": base_version + 1,
        "n": len(stored),
        "cid": commit_id,
        "at": recorded_at,
        "ph": previous_hash,
        "h": chain,
        "events": stored,
    }
