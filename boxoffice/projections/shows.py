"""Shows: one document per show, its description and status, for listing and reading a show.

The show stream (version in ``sv``) creates and describes it; its inventory
stream (version in ``iv``) tells its cancellation.  Times are kept as ISO
strings for output and as integer microseconds for ranges: ``sales_start_us``
and ``sales_end_us`` hold the earliest and latest instants when the show has
no such bound, so "on sale now" is two plain range conditions.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from boxoffice.domain.events import (
    Event,
    ShowCancellationStarted,
    ShowCancelled,
    ShowChanged,
    ShowCreated,
)
from boxoffice.domain.inventory import ACTIVE, CANCELLED, CANCELLING
from boxoffice.eventstore import RecordedEvent

from .instants import EARLIEST_US, epoch_us, iso_utc
from .model import Document, ReadModel, Write, created, guarded

SHOW_VERSION = "sv"
INVENTORY_VERSION = "iv"
LATEST_US = 2**62


def _description(event: ShowCreated | ShowChanged) -> Document:
    starts_us = epoch_us(event.starts_at)
    return {
        "title": event.title,
        "venue": event.venue,
        "starts_at": iso_utc(starts_us),
        "starts_us": starts_us,
        "sales_start": event.sales_start,
        "sales_end": event.sales_end,
        "sales_start_us": EARLIEST_US if event.sales_start is None else epoch_us(event.sales_start),
        "sales_end_us": LATEST_US if event.sales_end is None else epoch_us(event.sales_end),
        "hold_seconds": event.hold_seconds,
    }


def project_show(recorded: RecordedEvent, event: Event) -> list[Write]:
    match event:
        case ShowCreated():
            fields = {
                **_description(event),
                "per_user_limit": event.per_user_limit,
                "status": ACTIVE,
                SHOW_VERSION: recorded.version,
                INVENTORY_VERSION: 0,
            }
            return [created(event.show_id, SHOW_VERSION, fields)]
        case ShowChanged():
            return [guarded(event.show_id, SHOW_VERSION, recorded.version, _description(event))]
        case ShowCancellationStarted() | ShowCancelled():
            status = CANCELLING if isinstance(event, ShowCancellationStarted) else CANCELLED
            return [guarded(event.show_id, INVENTORY_VERSION, recorded.version, {"status": status})]
    return []


def show_out(doc: Document, default_hold_seconds: int) -> Document:
    """A show as the API lists it (without its categories)."""
    hold = doc["hold_seconds"]
    return {
        "show_id": doc["_id"],
        "title": doc["title"],
        "venue": doc["venue"],
        "starts_at": doc["starts_at"],
        "sales_start": doc["sales_start"],
        "sales_end": doc["sales_end"],
        "hold_seconds": default_hold_seconds if hold is None else hold,
        "per_user_limit": doc["per_user_limit"],
        "status": doc["status"],
    }


SHOWS = ReadModel(
    name="shows",
    event_types=frozenset(
        t.__name__ for t in (ShowCreated, ShowChanged, ShowCancellationStarted, ShowCancelled)
    ),
    indexes=(IndexModel([("starts_us", ASCENDING)], name="by_start"),),
    project=project_show,
)
