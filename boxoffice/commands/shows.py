"""Creating shows, and looking them up from the log for the booking path."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from boxoffice.domain.events import ShowCreated, from_stored
from boxoffice.domain.shows import CreateShow, create_show
from boxoffice.domain.streams import show_stream
from boxoffice.eventstore import NO_STREAM, EventStore, NewEvent

CATALOG_CACHE = 10_000


async def add_show(store: EventStore, command: CreateShow) -> tuple[ShowCreated, int]:
    """Open every inventory, then record the show; returns it and its position in the log.

    Commit ids derived from the show id make a retried creation harmless.
    """
    created: ShowCreated | None = None
    position = 0
    for stream, events in create_show(command):
        result = await store.append(
            stream,
            [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events],
            NO_STREAM,
            commit_id=f"create-show:{command.show_id}:{stream}",
        )
        position = result.last_position
        created = next((e for e in events if isinstance(e, ShowCreated)), created)
    assert created is not None
    return created, position


class ShowCatalog:
    """Shows by id, read from their streams. A show never changes, so found ones are cached.

    Concurrent lookups of a show not cached yet share one read: when an on-sale
    opens, thousands of first requests for the same show arrive together.
    """

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._known: OrderedDict[str, ShowCreated] = OrderedDict()
        self._loading: dict[str, asyncio.Future[ShowCreated | None]] = {}

    async def get(self, show_id: str) -> ShowCreated | None:
        show = self._known.get(show_id)
        if show is not None:
            return show
        loading = self._loading.get(show_id)
        if loading is None:
            loading = self._loading[show_id] = asyncio.ensure_future(self._load(show_id))
            loading.add_done_callback(lambda _: self._loading.pop(show_id, None))
        return await asyncio.shield(loading)

    async def _load(self, show_id: str) -> ShowCreated | None:
        events = await self._store.read_stream(show_stream(show_id))
        show = next(
            (
                e
                for e in map(lambda r: from_stored(r.type, r.data), events)
                if isinstance(e, ShowCreated)
            ),
            None,
        )
        if show is not None:
            self._known[show_id] = show
            while len(self._known) > CATALOG_CACHE:
                self._known.popitem(last=False)
        return show
