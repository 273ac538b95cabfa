"""Times in read models are integer microseconds since the epoch (UTC).

nx-27017 0.8.1 turns a datetime written by ``$set`` on an existing document
into a string (tests/integration/test_mongo_features.py), so read models never
store datetimes: an integer sorts, compares and round-trips the same on both
stores. Queries turn it back into an ISO 8601 UTC string.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A bound below every instant, so a sorted query always carries a range filter.
EARLIEST_US = -(2**62)


def parse_instant(value: str) -> datetime:
    """An ISO 8601 string as an aware UTC datetime; a time without a zone is taken as UTC."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def epoch_us(moment: datetime | str) -> int:
    aware = parse_instant(moment) if isinstance(moment, str) else moment
    if aware.tzinfo is None:
        aware = aware.replace(tzinfo=UTC)
    return (aware - EPOCH) // timedelta(microseconds=1)


def iso_utc(micros: int) -> str:
    """``2027-01-31T19:30:00Z``: the shape the HTTP layer gives every time."""
    moment = EPOCH + timedelta(microseconds=micros)
    return moment.isoformat().replace("+00:00", "Z")
