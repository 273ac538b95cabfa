"""The event store port. MongoEventStore and InMemoryEventStore both pass one contract suite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from .model import AppendResult, ExpectedVersion, NewEvent, RecordedEvent


class EventStore(Protocol):
    async def append(
        self,
        stream: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion,
        *,
        commit_id: str | None = None,
    ) -> AppendResult:
        """Append all events or none.

        Raises WrongExpectedVersion when the stream is not at ``expected_version``.
        If ``commit_id`` was already stored, returns that commit's result
        (``duplicate=True``) and writes nothing.
        """
        ...

    async def read_stream(self, stream: str, from_version: int = 1) -> list[RecordedEvent]:
        """The stream's events with version >= from_version, in version order."""
        ...

    def read_all(self, after: int = 0, limit: int | None = None) -> AsyncIterator[RecordedEvent]:
        """Every event with position > after, in global order, streamed.

        Positions rise strictly (a store may skip numbers it never filled), and an
        event becomes visible only after every event with a lower position: a
        reader that has seen position p never later finds an event at or below p.
        ``limit`` bounds the events.
        """
        ...

    async def head_position(self) -> int:
        """The position of the last committed event (0 when the log is empty)."""
        ...

    async def wait_for_events(self, after: int, max_wait: float) -> None:
        """Return when the head may be past ``after`` or when ``max_wait`` seconds elapse."""
        ...


async def subscribe(
    store: EventStore, after: int = 0, *, batch: int = 1_000, idle_timeout: float = 0.25
) -> AsyncIterator[RecordedEvent]:
    """Live tail: every event after ``after``, then each new one as it is committed."""
    position = after
    while True:
        async for event in store.read_all(position, limit=batch):
            position = event.position
            yield event
        if await store.head_position() <= position:
            await store.wait_for_events(position, idle_timeout)
