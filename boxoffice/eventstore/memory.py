"""An in-process EventStore for fast unit tests; it passes the same contract suite."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from .commits import build_commit, commit_result, decode_commit
from .hashing import GENESIS
from .model import (
    NO_STREAM,
    AppendResult,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamState,
    WrongExpectedVersion,
    check_append,
    new_id,
)


class InMemoryEventStore:
    def __init__(self) -> None:
        self._log: list[RecordedEvent] = []
        self._streams: defaultdict[str, list[RecordedEvent]] = defaultdict(list)
        self._commits: dict[str, dict[str, Any]] = {}
        self._appended = asyncio.Event()

    async def append(
        self,
        stream: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion,
        *,
        commit_id: str | None = None,
    ) -> AppendResult:
        check_append(events, expected_version)
        commit_id = commit_id or new_id()
        if commit_id in self._commits:
            return commit_result(self._commits[commit_id], duplicate=True)
        existing = self._streams[stream]
        current = len(existing)
        wanted = 0 if expected_version is NO_STREAM else expected_version
        if wanted is not StreamState.ANY and wanted != current:
            raise WrongExpectedVersion(stream, expected_version)
        doc = build_commit(
            stream,
            events,
            base_version=current,
            previous_hash=existing[-1].hash if existing else GENESIS,
            commit_id=commit_id,
            recorded_at=datetime.now(UTC),
        )
        doc["_id"] = len(self._log) + 1
        recorded = decode_commit(doc)
        self._log.extend(recorded)
        existing.extend(recorded)
        self._commits[commit_id] = doc
        self._appended.set()
        self._appended = asyncio.Event()
        return commit_result(doc, duplicate=False)

    async def read_stream(self, stream: str, from_version: int = 1) -> list[RecordedEvent]:
        return [e for e in self._streams.get(stream, []) if e.version >= from_version]

    async def read_all(
        self, after: int = 0, limit: int | None = None
    ) -> AsyncIterator[RecordedEvent]:
        end = len(self._log) if limit is None else min(len(self._log), after + limit)
        for event in self._log[after:end]:
            yield event

    async def head_position(self) -> int:
        return len(self._log)

    async def wait_for_events(self, after: int, max_wait: float) -> None:
        if len(self._log) > after:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._appended.wait(), max_wait)
