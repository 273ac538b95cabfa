"""Folding a batch's writes per read-model document: one write per document per batch."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import UpdateOne

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRequested,
    Event,
    InventoryOpened,
    ShowCreated,
)
from boxoffice.eventstore import RecordedEvent
from boxoffice.projections.apply import writes_for
from boxoffice.projections.bookings import BOOKINGS
from boxoffice.projections.coalesce import coalesce
from boxoffice.projections.instants import epoch_us
from boxoffice.projections.model import guarded
from boxoffice.projections.offers import OFFERS

AT = datetime(2027, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def recorded(events: list[Event], first_version: int) -> list[RecordedEvent]:
    return [
        RecordedEvent(
            f"e{i}",
            "s",
            first_version + i,
            100 + i,
            type(e).__name__,
            1,
            e.to_data(),
            {},
            AT,
            "c",
            "h",
            "p",
        )
        for i, e in enumerate(events)
    ]


def booking_commit(bookings: int, quantity: int = 2) -> list[Event]:
    events: list[Event] = []
    for i in range(bookings):
        details = (f"b{i}", "show", "stalls", f"u{i}")
        events += [BookingRequested(*details, quantity), BookingConfirmed(*details, quantity)]
    return events


def test_a_batch_confirming_64_bookings_of_one_offer_issues_one_offer_write() -> None:
    events = recorded(booking_commit(64), first_version=11)

    assert coalesce(writes_for(OFFERS, events)) == [
        UpdateOne(
            {"_id": "show:stalls", "iv": {"$lt": 12}},
            {"$set": {"iv": 138}, "$inc": {"available": -128}},
        )
    ]


def test_a_requested_and_confirmed_booking_is_one_upsert_of_its_final_state() -> None:
    events = recorded(booking_commit(64), first_version=11)

    folded = coalesce(writes_for(BOOKINGS, events))

    at = epoch_us(AT)
    assert folded is not None and len(folded) == 64
    assert folded[-1] == UpdateOne(
        {"_id": "b63"},
        {
            "$setOnInsert": {
                "user_id": "u63",
                "show_id": "show",
                "category": "stalls",
                "quantity": 2,
                "status": "confirmed",
                "reason": None,
                "created_us": at,
                "updated_us": at,
                "v": 138,
            }
        },
        upsert=True,
    )


def test_an_opened_inventory_absorbs_its_bookings_and_its_show_stays_a_write_of_its_own() -> None:
    category = {"code": "stalls", "name": "Stalls", "price": "10.00", "currency": "EUR"}
    opened = recorded([InventoryOpened("show", "stalls", 50, None)], first_version=1)
    show = recorded(
        [ShowCreated("show", "T", "V", "2027-01-10T20:00:00Z", [category], None, "admin")], 1
    )
    sold = recorded(
        [*booking_commit(3), BookingCancelled("b0", "show", "stalls", "u0", 2, "u0")], 2
    )

    folded = coalesce(writes_for(OFFERS, [*opened, *show, *sold]))

    assert folded is not None
    assert [write.creates for write in folded] == [True, False]
    assert folded[0].fields["available"] == 50 - 6 + 2
    assert folded[0].fields["iv"] == 8
    assert folded[1].version_field == "sv"


def test_writes_that_do_not_fold_are_left_to_apply_one_by_one() -> None:
    twice = [guarded("d", "v", 3, {"x": 1}), guarded("d", "v", 3, {"x": 2})]
    set_then_increment = [
        guarded("d", "v", 3, {"n": 1}),
        guarded("d", "v", 4, {}, increments={"n": 1}),
    ]

    assert coalesce(twice) is None
    assert coalesce(set_then_increment) is None
