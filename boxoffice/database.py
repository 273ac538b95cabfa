"""Opening the MongoDB connection the same way for the server, the CLI and the tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient, monitoring

Document = dict[str, Any]


def connect(
    uri: str, listeners: Sequence[monitoring.CommandListener | monitoring.ServerListener] = ()
) -> AsyncMongoClient[Document]:
    """An async client with timezone-aware datetimes that notices an outage within a second or two."""
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        serverSelectionTimeoutMS=3000,
        connectTimeoutMS=2000,
        heartbeatFrequencyMS=1000,
        appname="boxoffice",
        event_listeners=list(listeners),
    )
