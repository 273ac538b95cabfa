"""The running hash: one SHA-256 that chains every event of the log in global order.

It covers each event's own hash (which covers its content and its stream's
previous event) and its global position, so inserting, deleting or reordering
any event up to a position changes the running hash at that position.  Positions
need not be consecutive: only the events the log holds are chained.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

START = ""


def extend(running_hash: str, event_hash: str, position: int) -> str:
    return hashlib.sha256(f"{running_hash}:{event_hash}:{position}".encode()).hexdigest()


@dataclass(frozen=True)
class Chain:
    """The running hash after the event at ``position`` (0 and START before the first)."""

    position: int = 0
    running_hash: str = START

    def add(self, event_hash: str, position: int) -> Chain:
        return Chain(position, extend(self.running_hash, event_hash, position))
