"""What goes into and comes out of the event store."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_EVENTS_PER_APPEND = 2_000


class StreamState(enum.Enum):
    """Expectations that are not an exact version."""

    ANY = "any"
    NO_STREAM = "no_stream"


ANY = StreamState.ANY
NO_STREAM = StreamState.NO_STREAM
ExpectedVersion = int | StreamState


class EventStoreError(Exception):
    """Base of the store's own errors; driver errors never leave the store."""


class WrongExpectedVersion(EventStoreError):
    def __init__(self, stream: str, expected: ExpectedVersion) -> None:
        shown = expected.value if isinstance(expected, StreamState) else expected
        super().__init__(f"stream {stream!r} is not at expected version {shown}")
        self.stream = stream
        self.expected = expected


class StoreUnavailable(EventStoreError):
    """The store could not be reached; an append may or may not have happened.

    ``maybe_written`` is False only when nothing was sent, so nothing can have
    been written.  Retrying with the same ``commit_id`` is always safe: appends
    are idempotent.
    """

    def __init__(self, message: str, *, maybe_written: bool = True) -> None:
        super().__init__(message)
        self.maybe_written = maybe_written


def check_append(events: Sequence[NewEvent], expected: ExpectedVersion) -> None:
    """The arguments every store refuses before touching anything."""
    if not 1 <= len(events) <= MAX_EVENTS_PER_APPEND:
        raise ValueError(f"an append takes 1 to {MAX_EVENTS_PER_APPEND} events")
    if isinstance(expected, int) and expected < 0:
        raise ValueError("expected_version must be >= 0, NO_STREAM or ANY")


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class NewEvent:
    type: str
    data: Mapping[str, Any]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = 1
    event_id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class RecordedEvent:
    event_id: str
    stream: str
    version: int
    position: int
    type: str
    schema_version: int
    data: Mapping[str, Any]
    metadata: Mapping[str, Any]
    recorded_at: datetime
    commit_id: str
    hash: str
    previous_hash: str


@dataclass(frozen=True)
class AppendResult:
    stream: str
    commit_id: str
    first_version: int
    last_version: int
    first_position: int
    last_position: int
    duplicate: bool = False
