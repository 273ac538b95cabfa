"""Opening the MongoDB connection the same way for the server, the CLI and the tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient, monitoring

Document = dict[str, Any]


def connect(
    uri: str, listeners: Sequence[monitoring.CommandListener | monitoring.ServerListener] = ()
) -> AsyncMongoClient[Document]:
    """An async client with timezone-aware datetimes that notices an outage within a second or two.

    While no server is usable an operation fails after serverSelectionTimeoutMS;
    1.5 s keeps a booking that meets an outage (a claim, an append retry, a
    release) well inside the bounded wait that ends in a 503.
    """
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        serverSelectionTimeoutMS=1500,
        connectTimeoutMS=2000,
        heartbeatFrequencyMS=1000,
        appname="boxoffice",
        event_listeners=list(listeners),
    )
