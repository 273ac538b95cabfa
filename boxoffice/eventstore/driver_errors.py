"""Driver errors become the store's own, saying whether anything can have been written."""

from __future__ import annotations

from pymongo.errors import PyMongoError, ServerSelectionTimeoutError

from .model import StoreUnavailable


def unavailable(exc: PyMongoError, doing: str, *, sent: bool = False) -> StoreUnavailable:
    """No server could be selected: the operation never left, so nothing was written,
    unless an earlier operation of the same work was ``sent``.  Any other failure
    may have come after the server applied the write."""
    never_left = isinstance(exc, ServerSelectionTimeoutError) and not sent
    return StoreUnavailable(f"{doing} failed: {exc}", maybe_written=not never_left)
