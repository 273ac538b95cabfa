"""The show catalog the booking path consults, on the in-memory store."""

from __future__ import annotations

import asyncio

from boxoffice.commands.shows import ShowCatalog, add_show
from boxoffice.domain.shows import Category, CreateShow
from boxoffice.eventstore import RecordedEvent
from boxoffice.eventstore.memory import InMemoryEventStore


class CountingStore(InMemoryEventStore):
    def __init__(self) -> None:
        super().__init__()
        self.stream_reads = 0

    async def read_stream(self, stream: str, from_version: int = 1) -> list[RecordedEvent]:
        self.stream_reads += 1
        await asyncio.sleep(0.01)
        return await super().read_stream(stream, from_version)


async def test_concurrent_lookups_of_an_uncached_show_share_one_read() -> None:
    store = CountingStore()
    category = Category("A", "Stalls", "50.00", "EUR", 10)
    await add_show(
        store, CreateShow("s1", "Hamlet", "Globe", "2027-01-01T19:30:00Z", (category,), None, "a")
    )
    catalog = ShowCatalog(store)
    shows = await asyncio.gather(*(catalog.get("s1") for _ in range(50)))
    assert {show.title for show in shows if show} == {"Hamlet"}
    assert store.stream_reads == 1


async def test_an_unknown_show_is_none_and_not_cached() -> None:
    store = CountingStore()
    catalog = ShowCatalog(store)
    assert await catalog.get("nope") is None
    assert await catalog.get("nope") is None
    assert store.stream_reads == 2
