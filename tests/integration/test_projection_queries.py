"""The read side over projected read models: search, shows, bookings, users."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore
from boxoffice.projections import queries
from boxoffice.projections.instants import parse_instant
from boxoffice.projections.read_models import READ_MODELS
from boxoffice.projections.rebuild import rebuild
from tests.projection_history import History

Document = dict[str, Any]


@pytest.fixture
async def history(database: AsyncDatabase[Document]) -> History:
    history = History(MongoEventStore(database))
    await history.add_users(3)
    await history.add_show("Hamlet (Live)", "The Globe", "2027-03-01T19:30:00Z")
    await history.add_show("Cats", "Hamlet Hall", "2027-01-10T20:00+01:00")
    await history.add_show("Dogs", "Kennel", "2027-06-01T18:00:00Z", per_user_limit=None)
    return history


async def project(database: AsyncDatabase[Document], history: History) -> None:
    await rebuild(database, history.store, list(READ_MODELS.values()), grace_seconds=0)


async def test_offers_are_listed_by_start_time_a_page_at_a_time(
    database: AsyncDatabase[Document], history: History
) -> None:
    await project(database, history)

    pages, cursor = [], None
    while True:
        items, cursor = await queries.search_offers(database, limit=4, cursor=cursor)
        pages.append(items)
        if cursor is None:
            break

    assert [len(page) for page in pages] == [4, 4, 1]
    offers = [item for page in pages for item in page]
    assert [o["title"] for o in offers] == ["Cats"] * 3 + ["Hamlet (Live)"] * 3 + ["Dogs"] * 3
    assert offers[0]["starts_at"] == "2027-01-10T19:00:00Z"
    assert set(offers[0]) == {
        "show_id", "title", "venue", "starts_at", "category", "name", "price", "currency",
        "capacity", "available",
    }  # fmt: skip


async def test_search_matches_title_or_venue_case_insensitively_and_literally(
    database: AsyncDatabase[Document], history: History
) -> None:
    await project(database, history)

    hamlet, _ = await queries.search_offers(database, q="hAMLET")
    literal, _ = await queries.search_offers(database, q="(live)")
    pattern, _ = await queries.search_offers(database, q=".*")

    assert {o["title"] for o in hamlet} == {"Hamlet (Live)", "Cats"}
    assert {o["title"] for o in literal} == {"Hamlet (Live)"}
    assert pattern == []


async def test_search_filters_by_show_time_range_and_availability(
    database: AsyncDatabase[Document], history: History
) -> None:
    dogs = history.shows[2]
    stream = next(s for s, state in history.inventories.items() if state.show_id == dogs)
    sold_out = history.inventories[stream]
    while history.inventories[stream].categories["stalls"].available:
        await history.book(stream, 40, "stalls")
    await project(database, history)

    in_range, _ = await queries.search_offers(
        database, starts_from="2027-02-01T00:00:00Z", starts_to="2027-03-01T19:30:00Z"
    )
    of_show, _ = await queries.search_offers(database, show_id=sold_out.show_id)
    available, _ = await queries.search_offers(
        database, show_id=sold_out.show_id, available_only=True
    )

    assert {o["title"] for o in in_range} == {"Hamlet (Live)"}
    assert len(of_show) == 3
    assert "stalls" not in {o["category"] for o in available}
    assert len(available) == 2


async def test_a_cursor_that_was_not_handed_out_is_refused(
    database: AsyncDatabase[Document], history: History
) -> None:
    with pytest.raises(queries.InvalidCursor):
        await queries.search_offers(database, cursor="not-a-cursor")


async def test_a_show_lists_its_categories_in_order_with_seats_available(
    database: AsyncDatabase[Document], history: History
) -> None:
    hamlet = history.shows[0]
    stream = next(s for s, state in history.inventories.items() if state.show_id == hamlet)
    state = history.inventories[stream]
    await history.book(stream, 2, "circle")
    await project(database, history)

    show = await queries.get_show(database, state.show_id, default_hold_seconds=1200)

    assert show is not None
    assert [c["code"] for c in show["categories"]] == ["stalls", "circle", "balcony"]
    circle = next(c for c in show["categories"] if c["code"] == "circle")
    seats = history.inventories[stream].categories["circle"]
    assert circle["available"] == seats.available < seats.capacity
    assert show["per_user_limit"] == 6
    assert await queries.get_show(database, "no-such-show", default_hold_seconds=1200) is None


async def test_a_users_bookings_come_newest_first_with_their_status(
    database: AsyncDatabase[Document], history: History
) -> None:
    for stream in sorted(history.inventories)[:4]:
        await history.book(stream, 3)
    await history.cancel_some(sorted(history.inventories)[0], 1)
    await project(database, history)
    user_id = history.users[0]

    mine, _ = await queries.list_bookings(database, user_id=user_id)

    assert mine, "the seeded random choice gives user 0 bookings"
    assert all(b["user_id"] == user_id for b in mine)
    created = [parse_instant(b["created_at"]) for b in mine]  # as times: "…:23Z" < "…:23.001Z"
    assert created == sorted(created, reverse=True)
    first = await queries.get_booking(database, mine[0]["booking_id"])
    assert first == mine[0]
    assert await queries.get_booking(database, "no-such-booking") is None


async def test_users_are_listed_without_password_hashes(
    database: AsyncDatabase[Document], history: History
) -> None:
    await project(database, history)

    users = await queries.list_users(database)

    assert [u["user_id"] for u in users] == history.users
    assert [u["role"] for u in users] == ["admin", "customer", "customer"]
    assert all(set(u) == {"user_id", "email", "name", "role", "registered_at"} for u in users)
