"""The whole-log audit as a pure object: feed it every event in global order, then ``finish``."""

from __future__ import annotations

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    CapacityChanged,
    CategoryAdded,
    Event,
    InventoryOpened,
    SalesWindowSet,
    ShowCancellationStarted,
    ShowCancelled,
    from_stored,
)
from boxoffice.eventstore import RecordedEvent

from .bookings import InventoryAudit
from .chain import ChainVerifier, describe
from .orders import ORDER_EVENTS
from .tickets import TicketAudit
from .violations import (
    DUPLICATE_PAYMENT_EVENT,
    MALFORMED_EVENT,
    POSITION_GAP,
    VERSION_GAP,
    Violation,
)

INVENTORY_TYPES = frozenset(
    cls.__name__
    for cls in (
        InventoryOpened,
        BookingRequested,
        BookingConfirmed,
        BookingRejected,
        BookingCancelled,
        *ORDER_EVENTS,
        SalesWindowSet,
        CategoryAdded,
        CapacityChanged,
        ShowCancellationStarted,
        ShowCancelled,
    )
)


class LogAuditor:
    """Positions, versions, the hash chain, every inventory's booking lifecycle and every ticket.

    ``observe`` returns the violations an event reveals at once; ``finish``
    those only the end of the log reveals.  Memory grows with the number of
    streams and bookings, never with the number of events.
    """

    def __init__(self) -> None:
        self.events = 0
        self._next_position = 1
        self._versions: dict[str, int] = {}
        self._chain = ChainVerifier(complete=True)
        self._inventories: dict[str, InventoryAudit] = {}
        self._payment_events: dict[str, int] = {}
        self._tickets = TicketAudit()

    @property
    def streams(self) -> int:
        return len(self._versions)

    @property
    def bookings(self) -> int:
        return sum(len(inventory.state.bookings) for inventory in self._inventories.values())

    @property
    def tickets(self) -> int:
        return self._tickets.tickets

    def observe(self, event: RecordedEvent) -> list[Violation]:
        self.events += 1
        found = self._sequence_violations(event)
        found += self._chain.check(event)
        found += self._domain_violations(event)
        found += self._tickets.observe(event.position, event.type, event.data)
        return found

    def sealed(self, position: int) -> None:
        """A tombstone accounts for ``position``: the log may go on after it."""
        self._next_position = max(self._next_position, position + 1)

    def finish(self, now_ms: int | None = None) -> list[Violation]:
        """``now_ms``, when given, also reports orders still held long after their hold ended."""
        return [v for inventory in self._inventories.values() for v in inventory.finish(now_ms)]

    def _sequence_violations(self, event: RecordedEvent) -> list[Violation]:
        found = []
        if event.position != self._next_position:
            found.append(
                Violation(
                    POSITION_GAP,
                    (event.position,),
                    f"expected position {self._next_position}, found {event.position}",
                )
            )
        self._next_position = max(self._next_position, event.position + 1)
        expected_version = self._versions.get(event.stream, 0) + 1
        if event.version != expected_version:
            found.append(
                Violation(
                    VERSION_GAP,
                    (event.position,),
                    f"{describe(event)}: expected version {expected_version}",
                )
            )
        self._versions[event.stream] = event.version
        return found

    def _domain_violations(self, event: RecordedEvent) -> list[Violation]:
        if event.type not in INVENTORY_TYPES:
            return []
        try:
            domain_event = from_stored(event.type, event.data)
        except TypeError as exc:
            return [Violation(MALFORMED_EVENT, (event.position,), f"{describe(event)}: {exc}")]
        found = self._inventory(event.stream).apply(event.position, domain_event)
        return found + self._payment_replays(event.position, domain_event)

    def _payment_replays(self, position: int, event: Event) -> list[Violation]:
        """A provider's payment event is applied once in the whole log."""
        provider_event_id = getattr(event, "provider_event_id", None)
        if provider_event_id is None:
            return []
        first = self._payment_events.setdefault(provider_event_id, position)
        if first == position:
            return []
        return [
            Violation(
                DUPLICATE_PAYMENT_EVENT,
                (first, position),
                f"payment event {provider_event_id} applied twice",
            )
        ]

    def _inventory(self, stream: str) -> InventoryAudit:
        inventory = self._inventories.get(stream)
        if inventory is None:
            inventory = self._inventories[stream] = InventoryAudit(stream)
        return inventory
