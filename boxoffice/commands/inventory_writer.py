"""Deciding against one show's inventory stream outside its booking queue.

Show changes and the cancellation process write to the inventory that the
booking workers write to.  Each decision here is made on the stream as read
just before, and appended with that version expected: when a worker (or
another process) wrote in between, the append is refused, the tail is read and
the decision made again.  A worker that then finds its own version stale does
the same, so nobody decides on seats they have not seen.
"""

from __future__ import annotations

from collections.abc import Callable

from boxoffice.domain.events import Event, from_stored
from boxoffice.domain.inventory import Inventory, fold
from boxoffice.domain.streams import inventory_stream
from boxoffice.eventstore import EventStore, NewEvent, StoreUnavailable, WrongExpectedVersion

MAX_ATTEMPTS = 100

Decision = Callable[[Inventory], list[Event]]


class InventoryWriter:
    def __init__(self, store: EventStore, show_id: str) -> None:
        self._store = store
        self.stream = inventory_stream(show_id)
        self.state = Inventory()

    async def catch_up(self) -> Inventory:
        tail = await self._store.read_stream(self.stream, from_version=self.state.version + 1)
        return fold((from_stored(e.type, e.data) for e in tail), self.state)

    async def decide(self, decision: Decision) -> tuple[list[Event], int]:
        """Decide on the current stream and append; (events, position), ([], 0) for nothing.

        What ``decision`` raises is raised here, with nothing written.
        """
        for _ in range(MAX_ATTEMPTS):
            await self.catch_up()
            events = decision(self.state)
            if not events:
                return [], 0
            stored = [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]
            try:
                result = await self._store.append(self.stream, stored, self.state.version)
            except WrongExpectedVersion:
                continue
            fold(events, self.state)
            return events, result.last_position
        raise StoreUnavailable(f"{self.stream}: too much contention, gave up deciding")
