"""Opening the MongoDB connection the same way for the server, the CLI and the tests."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

Document = dict[str, Any]


def connect(uri: str) -> AsyncMongoClient[Document]:
    """An async client that returns timezone-aware datetimes and fails fast when the store is down."""
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        serverSelectionTimeoutMS=3000,
        connectTimeoutMS=3000,
        appname="boxoffice",
    )
