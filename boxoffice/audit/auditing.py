"""``audit``: one streaming pass over the log (``LogAuditor``, causal order, the read models'
replica), then the read models themselves, then a pass that checks the log against its seals."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore
from boxoffice.seals.records import SealRecords
from boxoffice.seals.seal import MalformedSeal, Seal

from .auditor import LogAuditor
from .causality import CausalOrder
from .read_model_replica import ReadModelReplica
from .read_models import compare_read_models
from .reading import MalformedCommit, SealedPosition, read_events
from .seal_audit import audit_seals
from .selection import Selection
from .violations import Violation

Document = dict[str, Any]


@dataclass
class AuditReport:
    events: int = 0
    streams: int = 0
    bookings: int = 0
    tickets: int = 0
    seconds: float = 0.0
    violations: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"events: {self.events}  streams: {self.streams}  bookings: {self.bookings}  "
            f"tickets: {self.tickets}  "
            f"seconds: {self.seconds:.2f}  events/s: {self.events_per_second:,.0f}"
        )


async def audit_log(
    database: AsyncDatabase[Document],
    store: MongoEventStore,
    *,
    report: Callable[[Violation], None],
    progress: Callable[[int], None],
    public_key: Ed25519PublicKey | None = None,
    saved: Sequence[Seal | MalformedSeal] = (),
) -> AuditReport:
    """Check the whole log; ``report`` each violation as found, ``progress`` the position reached.

    Then the read models, and the log against its seals (``public_key``) and
    the checkpoints an auditor ``saved``.
    """
    started = time.perf_counter()
    auditor = LogAuditor()
    causal_order = CausalOrder()
    replica = ReadModelReplica()
    result = AuditReport()

    def found(violations: list[Violation]) -> None:
        result.violations += len(violations)
        for violation in violations:
            report(violation)

    async with contextlib.aclosing(read_events(store.commits, Selection())) as events:
        async for item in events:
            if isinstance(item, SealedPosition):
                auditor.sealed(item.position)
                continue
            if isinstance(item, MalformedCommit):
                found([item.violation()])
                continue
            found(auditor.observe(item))
            found(causal_order.observe(item.position, item.type, item.data))
            replica.observe(item)
            progress(item.position)
    found(auditor.finish(int(time.time() * 1000)))
    notes, mismatches = await compare_read_models(database, replica)
    found(mismatches)
    seal_notes, seal_violations = await audit_seals(store, SealRecords(database), public_key, saved)
    found(seal_violations)
    result.notes = notes + seal_notes
    result.events = auditor.events
    result.streams = auditor.streams
    result.bookings = auditor.bookings
    result.tickets = auditor.tickets
    result.seconds = time.perf_counter() - started
    return result
