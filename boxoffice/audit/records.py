"""An event as one JSON object for ``replay``, with secrets redacted."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from boxoffice.eventstore import RecordedEvent
from boxoffice.eventstore.hashing import timestamp

SECRET_KEYS = frozenset({"password_hash", "secret"})
REDACTED = "[redacted]"


def redact(value: Any) -> Any:
    """``value`` with every secret field, at any depth, replaced by a marker."""
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_KEYS else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def event_record(event: RecordedEvent) -> dict[str, Any]:
    return {
        "position": event.position,
        "stream": event.stream,
        "version": event.version,
        "type": event.type,
        "schema_version": event.schema_version,
        "event_id": event.event_id,
        "recorded_at": timestamp(event.recorded_at),
        "data": redact(dict(event.data)),
        "metadata": redact(dict(event.metadata)),
        "hash": event.hash,
        "previous_hash": event.previous_hash,
    }


def _bson_value(value: object) -> str:
    """Values JSON has no type for (dates, ObjectIds, decimals in hand-written data)."""
    return timestamp(value) if isinstance(value, datetime) else str(value)


def json_line(event: RecordedEvent) -> str:
    return json.dumps(event_record(event), ensure_ascii=False, default=_bson_value)
