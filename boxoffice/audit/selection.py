"""Which events a replay prints: a query over commit documents plus a test of each event.

A commit document matches the query when ANY of its events does, so every
decoded event is tested again with ``matches``.  Queries always carry a range
on ``_id``: nx-27017 sorts integers as text under an empty filter.  Several
types become an ``$or`` of equalities because nx-27017 never matches ``$in``
against a path into an array (``events.type``), and the time bounds are
widened to whole seconds because it compares dates to the second only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from boxoffice.eventstore import RecordedEvent

Document = dict[str, Any]


@dataclass(frozen=True)
class Selection:
    """Filters combine with AND; ``since`` is inclusive, ``until`` exclusive."""

    streams: tuple[str, ...] = ()
    booking_id: str | None = None
    show_id: str | None = None
    types: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    from_position: int = 1
    order_id: str | None = None
    ticket_id: str | None = None

    @property
    def whole_streams(self) -> bool:
        """Every event of each selected stream is selected, so its chain can be checked end to end."""
        return (
            self.booking_id is None
            and self.order_id is None
            and self.ticket_id is None
            and self.show_id is None
            and not self.types
            and self.since is None
            and self.until is None
            and self.from_position <= 1
        )

    def commit_query(self, first_commit: int) -> Document:
        clauses: list[Document] = [{"_id": {"$gte": first_commit}}]
        if self.streams:
            clauses.append({"stream": {"$in": list(self.streams)}})
        if self.booking_id is not None:
            clauses.append({"events.data.booking_id": self.booking_id})
        if self.order_id is not None:
            clauses.append({"events.data.order_id": self.order_id})
        if self.ticket_id is not None:
            clauses.append({"events.data.ticket_id": self.ticket_id})
        if self.show_id is not None:
            clauses.append({"events.data.show_id": self.show_id})
        if self.types:
            clauses.append({"$or": [{"events.type": type_} for type_ in self.types]})
        recorded: Document = {}
        if self.since is not None:
            recorded["$gte"] = self.since.replace(microsecond=0)
        if self.until is not None:
            recorded["$lt"] = self.until.replace(microsecond=0) + timedelta(seconds=1)
        if recorded:
            clauses.append({"at": recorded})
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, event: RecordedEvent) -> bool:
        return (
            event.position >= self.from_position
            and (not self.streams or event.stream in self.streams)
            and (self.booking_id is None or event.data.get("booking_id") == self.booking_id)
            and (self.order_id is None or event.data.get("order_id") == self.order_id)
            and (self.ticket_id is None or event.data.get("ticket_id") == self.ticket_id)
            and (self.show_id is None or event.data.get("show_id") == self.show_id)
            and (not self.types or event.type in self.types)
            and (self.since is None or event.recorded_at >= self.since)
            and (self.until is None or event.recorded_at < self.until)
        )
