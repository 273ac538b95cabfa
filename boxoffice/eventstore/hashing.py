"""The per-stream hash chain that makes direct edits of the log evident.

Each event's hash covers its own identity and content plus the previous event's
hash in the same stream, so changing, removing, inserting or reordering an event
breaks the chain from that point on.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = ""


@functools.lru_cache(maxsize=4096)
def timestamp(moment: datetime) -> str:
    """Millisecond ISO 8601 UTC: the precision BSON keeps, so hashes survive a round trip.

    Cached because every event of a commit shares one time, and replay and audit
    format it once per event.
    """
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def event_hash(
    previous_hash: str,
    *,
    stream: str,
    version: int,
    event_id: str,
    type: str,
    schema_version: int,
    data: Mapping[str, Any],
    metadata: Mapping[str, Any],
    recorded_at: datetime,
) -> str:
    content = {
        "previous": previous_hash,
        "stream": stream,
        "version": version,
        "id": event_id,
        "type": type,
        "schema": schema_version,
        "data": data,
        "metadata": metadata,
        "recorded_at": timestamp(recorded_at),
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
