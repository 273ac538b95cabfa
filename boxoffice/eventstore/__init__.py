"""Append-only event store with optimistic concurrency and a strictly rising global order."""

from .memory import InMemoryEventStore
from .model import (
    ANY,
    NO_STREAM,
    AppendResult,
    EventStoreError,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StoreUnavailable,
    StreamState,
    WrongExpectedVersion,
)
from .mongo import MongoEventStore
from .port import EventStore, subscribe

__all__ = [
    "ANY",
    "NO_STREAM",
    "AppendResult",
    "EventStore",
    "EventStoreError",
    "ExpectedVersion",
    "InMemoryEventStore",
    "MongoEventStore",
    "NewEvent",
    "RecordedEvent",
    "StoreUnavailable",
    "StreamState",
    "WrongExpectedVersion",
    "subscribe",
]
