"""The whole-log audit as a pure object: feed it every event in global order, then ``finish``."""

from __future__ import annotations

from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    BookingRequested,
    CapacityChanged,
    CategoryAdded,
    InventoryOpened,
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
    OrderRefundDue,
    OrderRejected,
    PaymentRefused,
    SalesWindowSet,
    ShowCancellationStarted,
    ShowCancelled,
    from_stored,
)
from boxoffice.eventstore import RecordedEvent

from .bookings import InventoryAudit
from .chain import ChainVerifier, describe
from .violations import MALFORMED_EVENT, POSITION_GAP, VERSION_GAP, Violation

INVENTORY_TYPES = frozenset(
    cls.__name__
    for cls in (
        InventoryOpened,
        BookingRequested,
        BookingConfirmed,
        BookingRejected,
        BookingCancelled,
        OrderPlaced,
        OrderRejected,
        OrderPaid,
        PaymentRefused,
        OrderExpired,
        OrderCancelled,
        OrderRefundDue,
        SalesWindowSet,
        CategoryAdded,
        CapacityChanged,
        ShowCancellationStarted,
        ShowCancelled,
    )
)


class LogAuditor:
    """Positions, versions, the hash chain and every inventory's booking lifecycle.

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

    @property
    def streams(self) -> int:
        return len(self._versions)

    @property
    def bookings(self) -> int:
        return sum(len(inventory.state.bookings) for inventory in self._inventories.values())

    def observe(self, event: RecordedEvent) -> list[Violation]:
        self.events += 1
        found = self._sequence_violations(event)
        found += self._chain.check(event)
        found += self._domain_violations(event)
        return found

    def sealed(self, position: int) -> None:
        """A tombstone accounts for ``position``: the log may go on after it."""
        self._next_position = max(self._next_position, position + 1)

    def finish(self) -> list[Violation]:
        return [
            v
            for inventory in self._inventories.values()
            for v in inventory.undecided() + inventory.left_after_cancellation()
        ]

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
        return self._inventory(event.stream).apply(event.position, domain_event)

    def _inventory(self, stream: str) -> InventoryAudit:
        inventory = self._inventories.get(stream)
        if inventory is None:
            inventory = self._inventories[stream] = InventoryAudit(stream)
        return inventory
