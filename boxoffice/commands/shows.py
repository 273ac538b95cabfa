"""Creating shows, and looking them up from the log for the booking and order paths."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from boxoffice.domain.events import ShowCreated, from_stored
from boxoffice.domain.shows import CreateShow, ShowRecord, create_show, fold_show
from boxoffice.domain.streams import show_stream
from boxoffice.eventstore import NO_STREAM, EventStore, NewEvent

CATALOG_CACHE = 10_000
FRESH_SECONDS = 1.0
DEFAULT_HOLD_SECONDS = 1200


class UnknownShow(LookupError):
    """No show has this id."""


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


async def read_show(
    store: EventStore, show_id: str, known: ShowRecord | None = None
) -> ShowRecord | None:
    """The show as its stream says now; ``known`` (an earlier read) is brought up to date."""
    from_version = 1 if known is None else known.version + 1
    events = await store.read_stream(show_stream(show_id), from_version)
    return fold_show((from_stored(e.type, e.data) for e in events), known)


@dataclass(frozen=True)
class _Cached:
    record: ShowRecord
    read_at: float


class ShowCatalog:
    """Shows by id, read from their streams, cached and brought up to date every FRESH_SECONDS.

    A show changes rarely (its title, time, categories, hold time), so a lookup
    may be up to ``fresh_seconds`` behind a change; the inventory decides every
    sale on its own stream regardless.  Concurrent lookups of a show share one
    read: when an on-sale opens, thousands of first requests arrive together.
    ``hold_seconds`` is the show's, or ``default_hold_seconds`` for a show
    created before shows had their own.
    """

    def __init__(
        self,
        store: EventStore,
        default_hold_seconds: int = DEFAULT_HOLD_SECONDS,
        fresh_seconds: float = FRESH_SECONDS,
    ) -> None:
        self._store = store
        self._default_hold_seconds = default_hold_seconds
        self._fresh_seconds = fresh_seconds
        self._known: OrderedDict[str, _Cached] = OrderedDict()
        self._loading: dict[str, asyncio.Future[ShowRecord | None]] = {}

    async def get(self, show_id: str) -> ShowRecord | None:
        cached = self._known.get(show_id)
        if cached is not None and time.monotonic() - cached.read_at < self._fresh_seconds:
            return self._with_hold(cached.record)
        loading = self._loading.get(show_id)
        if loading is None:
            known = None if cached is None else cached.record
            loading = self._loading[show_id] = asyncio.ensure_future(self._load(show_id, known))
            loading.add_done_callback(lambda _: self._loading.pop(show_id, None))
        record = await asyncio.shield(loading)
        return None if record is None else self._with_hold(record)

    def _with_hold(self, record: ShowRecord) -> ShowRecord:
        if record.hold_seconds is not None:
            return record
        return replace(record, hold_seconds=self._default_hold_seconds)

    async def _load(self, show_id: str, known: ShowRecord | None) -> ShowRecord | None:
        record = await read_show(self._store, show_id, known)
        if record is not None:
            self._known[show_id] = _Cached(record, time.monotonic())
            self._known.move_to_end(show_id)
            while len(self._known) > CATALOG_CACHE:
                self._known.popitem(last=False)
        return record
