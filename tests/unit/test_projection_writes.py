"""Pure parts of the projections: event-to-write mapping, cursors, instants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pymongo import UpdateOne

from boxoffice.audit.read_model_replica import ReadModelReplica
from boxoffice.domain.events import (
    BookingConfirmed,
    BookingRequested,
    Event,
    RoleGranted,
    RoleRevoked,
    ShowCreated,
    UserRegistered,
)
from boxoffice.domain.users import ADMIN, CUSTOMER, SCANNER
from boxoffice.eventstore import RecordedEvent
from boxoffice.projections.bookings import project_booking
from boxoffice.projections.cursors import InvalidCursor, decode_cursor, encode_cursor
from boxoffice.projections.instants import epoch_us, iso_utc
from boxoffice.projections.offers import project_offer
from boxoffice.projections.users import USERS, user_out

AT = datetime(2027, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def recorded(event: Event, version: int) -> RecordedEvent:
    return RecordedEvent(
        "e1", "s", version, 10, type(event).__name__, 1, event.to_data(), {}, AT, "c", "h", "p"
    )


def test_a_later_event_only_applies_over_an_older_stream_version() -> None:
    event = BookingConfirmed("b1", "show", "stalls", "u1", 2)

    assert project_offer(recorded(event, 7), event) == [
        UpdateOne(
            {"_id": "show:stalls", "iv": {"$lt": 7}},
            {"$set": {"iv": 7}, "$inc": {"available": -2}},
        )
    ]


def test_the_first_event_of_a_document_only_inserts() -> None:
    event = BookingRequested("b1", "show", "stalls", "u1", 2)

    at = epoch_us(AT)
    fields = {"user_id": "u1", "show_id": "show", "category": "stalls", "quantity": 2}
    state = {"status": "pending", "reason": None, "created_us": at, "updated_us": at, "v": 3}

    assert project_booking(recorded(event, 3), event) == [
        UpdateOne({"_id": "b1"}, {"$setOnInsert": {**fields, **state}}, upsert=True)
    ]


def test_a_show_fills_in_every_category_with_its_start_in_utc() -> None:
    categories = [
        {"code": c, "name": c, "price": "10.00", "currency": "EUR", "capacity": 5} for c in "ab"
    ]
    event = ShowCreated("s", "T", "V", "2027-01-10T20:00:00+01:00", categories, None, "admin")

    writes = project_offer(recorded(event, 1), event)

    assert [w._filter["_id"] for w in writes] == ["s:a", "s:b"]
    assert writes[1]._doc["$set"]["starts_at"] == "2027-01-10T19:00:00Z"
    assert writes[1]._doc["$set"]["rank"] == 1


def test_instants_round_trip_through_integer_microseconds() -> None:
    assert iso_utc(epoch_us(AT)) == "2027-01-02T03:04:05.678000Z"
    assert epoch_us("2027-01-02T03:04:05.678Z") == epoch_us(AT)
    assert epoch_us("1969-12-31T23:59:59Z") == -1_000_000


def test_a_cursor_decodes_to_what_it_encoded() -> None:
    assert decode_cursor(encode_cursor(123, "show:a")) == (123, "show:a")


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "e30", encode_cursor(1, "x")[:-3] + "AAA", "WzEuNSwieCJd"]
)
def test_a_forged_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor)


def test_a_users_role_is_the_most_privileged_held_through_grants_and_revocations() -> None:
    registered = UserRegistered("u1", "ada@example.com", "Ada", "hash", CUSTOMER)
    replica = ReadModelReplica([USERS])
    changes: list[Event] = [
        registered,
        RoleGranted("u1", SCANNER),
        RoleGranted("u1", ADMIN),
        RoleRevoked("u1", ADMIN),
    ]
    roles = []
    for version, event in enumerate(changes, start=1):
        replica.observe(recorded(event, version))
        roles.append(user_out(replica.documents["users"]["u1"])["role"])
    assert roles == [CUSTOMER, SCANNER, ADMIN, SCANNER]
