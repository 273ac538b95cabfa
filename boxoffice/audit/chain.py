"""Verifying the per-stream hash chain of events read back from the log."""

from __future__ import annotations

from dataclasses import dataclass

from boxoffice.eventstore import RecordedEvent
from boxoffice.eventstore.hashing import GENESIS, event_hash

from .violations import CHAIN_BREAK, HASH_MISMATCH, Violation


def recomputed_hash(event: RecordedEvent) -> str:
    return event_hash(
        event.previous_hash,
        stream=event.stream,
        version=event.version,
        event_id=event.event_id,
        type=event.type,
        schema_version=event.schema_version,
        data=event.data,
        metadata=event.metadata,
        recorded_at=event.recorded_at,
    )


def describe(event: RecordedEvent) -> str:
    return f"{event.stream} v{event.version} {event.type}"


@dataclass(frozen=True)
class _Head:
    version: int
    hash: str
    position: int | None


_START = _Head(0, GENESIS, None)


class ChainVerifier:
    """Checks each event's hash against its content, and its link to the stream's previous event.

    With ``complete`` the verifier sees every event of each stream from version 1
    on (the audit, a replay of whole streams): a stream's first event must link
    to the genesis hash and every event to the one seen before it, whatever its
    version.  Otherwise (a filtered replay) only events of adjacent versions, and
    version 1 to genesis, can be linked.  Memory: one head per stream.
    """

    def __init__(self, *, complete: bool) -> None:
        self._complete = complete
        self._heads: dict[str, _Head] = {}

    def check(self, event: RecordedEvent) -> list[Violation]:
        found = []
        if recomputed_hash(event) != event.hash:
            found.append(
                Violation(
                    HASH_MISMATCH,
                    (event.position,),
                    f"{describe(event)}: the event's content does not match its hash",
                )
            )
        link = self._expected_link(event)
        if link is not None and event.previous_hash != link.hash:
            earlier = "the stream's start" if link.position is None else f"v{link.version}"
            involved = tuple(p for p in (link.position, event.position) if p is not None)
            found.append(
                Violation(CHAIN_BREAK, involved, f"{describe(event)} does not link to {earlier}")
            )
        self._heads[event.stream] = _Head(event.version, event.hash, event.position)
        return found

    def _expected_link(self, event: RecordedEvent) -> _Head | None:
        """What the event's previous hash must be, or None when this replay cannot know."""
        head = self._heads.get(event.stream, _START)
        if self._complete or event.version == head.version + 1:
            return head
        return None
