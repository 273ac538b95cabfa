"""Changing a show: its inventory first (what constrains sales), then its description."""

from __future__ import annotations

from boxoffice.domain.events import Event
from boxoffice.domain.show_changes import ChangeShow, decide_inventory_change, decide_show_change
from boxoffice.domain.streams import show_stream
from boxoffice.eventstore import EventStore, NewEvent, StoreUnavailable, WrongExpectedVersion

from .inventory_writer import MAX_ATTEMPTS, InventoryWriter
from .shows import UnknownShow, read_show


class InvalidSchedule(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field} {message}" for field, message in problems))
        self.problems = problems


async def change_show(store: EventStore, command: ChangeShow, now_ms: int) -> int:
    """Apply the change; the position of its last event (0 when nothing changed).

    Raises UnknownShow, InvalidSchedule (a time in the past or an empty sales
    window), or what the inventory refuses (``ChangeRefused``,
    ``ShowNotChangeable``) with nothing written.  Sent again after a crash
    between the two appends, it completes the description.
    """
    record = await read_show(store, command.show_id)
    if record is None:
        raise UnknownShow(command.show_id)
    schedule = command.schedule(record)
    problems = [
        (field, message)
        for field, message in schedule.problems(now_ms)
        if field != "starts_at" or "starts_at" in command.details
    ]
    if problems:
        raise InvalidSchedule(problems)
    writer = InventoryWriter(store, command.show_id)
    _, position = await writer.decide(
        lambda state: decide_inventory_change(state, command, schedule)
    )
    for _ in range(MAX_ATTEMPTS):
        events = decide_show_change(record, command)
        if not events:
            return position
        try:
            return await _append(store, command.show_id, events, record.version)
        except WrongExpectedVersion:
            record = await read_show(store, command.show_id, record)
            assert record is not None, "a show stream never goes away"
    raise StoreUnavailable(f"show {command.show_id}: too much contention, gave up")


async def _append(store: EventStore, show_id: str, events: list[Event], version: int) -> int:
    stored = [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]
    result = await store.append(show_stream(show_id), stored, version)
    return result.last_position
