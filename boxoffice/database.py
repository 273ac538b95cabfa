"""Opening the MongoDB connection the same way for the server, the CLI and the tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

Document = dict[str, Any]
DUPLICATE_KEY = 11000


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


async def insert_new(collection: AsyncCollection[Document], docs: Sequence[Document]) -> list[bool]:
    """Insert every document whose unique keys are free, in one round trip: True for each inserted.

    A plain insert costs the embedded server about half what an upsert does.
    """
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error["code"] != DUPLICATE_KEY for error in errors):
            raise
        taken = {error["index"] for error in errors}
        return [i not in taken for i in range(len(docs))]
    return [True] * len(docs)
