"""A booking answered 202 while the store is frozen is kept and lands once the store is back."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from pathlib import Path

import pytest

from boxoffice.commands.booking import BookingService, BookTickets
from boxoffice.commands.booking_queue import BookingQueues
from boxoffice.commands.idempotency import IdempotencyKeys
from boxoffice.commands.shows import ShowCatalog, add_show
from boxoffice.database import connect
from boxoffice.domain.shows import Category, CreateShow
from boxoffice.domain.streams import inventory_stream
from boxoffice.embedded import EmbeddedStore
from boxoffice.eventstore import MongoEventStore, StoreUnavailable

pytestmark = pytest.mark.slow
FROZEN_SECONDS = 6.0  # longer than the worker's retry bound, so a batch fails while frozen
LANDS_WITHIN_SECONDS = 30.0


async def no_booking(booking_id: str) -> None:
    return None


async def applied(position: int, budget: float) -> bool:
    return True


async def test_a_booking_answered_pending_during_an_outage_reads_pending_then_lands(
    tmp_path: Path,
) -> None:
    with EmbeddedStore(tmp_path) as embedded:
        assert embedded.pid is not None
        client = connect(embedded.uri)
        try:
            store = MongoEventStore(client["pending"])
            await store.ensure_indexes()
            show_id = uuid.uuid4().hex
            category = Category("A", "Floor", "10", "EUR", 10)
            show = CreateShow(
                show_id, "Gig", "Hall", "2027-01-01T20:00:00Z", (category,), None, "admin"
            )
            await add_show(store, show)
            queues = BookingQueues(store, batch_max=8)
            keys = IdempotencyKeys(client["pending"]["keys"], lease_seconds=5)
            service = BookingService(queues, ShowCatalog(store), keys, no_booking, applied, 0.3)
            warm = await service.book(BookTickets("u0", show_id, "A", 1))
            assert warm.status == 201

            os.kill(embedded.pid, signal.SIGSTOP)
            try:
                in_flight = asyncio.create_task(service.book(BookTickets("u1", show_id, "A", 1)))
                await asyncio.sleep(0.05)
                queued = await service.book(BookTickets("u2", show_id, "A", 1))
                while_frozen = service.pending(queued.body["booking_id"])
                await asyncio.sleep(FROZEN_SECONDS)
            finally:
                os.kill(embedded.pid, signal.SIGCONT)
            with pytest.raises(StoreUnavailable):
                await in_flight
            assert queued.status == 202
            assert while_frozen is not None and while_frozen["status"] == "pending"

            deadline = asyncio.get_running_loop().time() + LANDS_WITHIN_SECONDS
            stream = inventory_stream(show_id, "A")
            confirmed: set[str] = set()
            booking_id = queued.body["booking_id"]
            while booking_id not in confirmed or service.pending(booking_id) is not None:
                assert asyncio.get_running_loop().time() < deadline, (
                    "the pending booking never landed"
                )
                await asyncio.sleep(0.2)
                events = await store.read_stream(stream)
                confirmed = {e.data["booking_id"] for e in events if e.type == "BookingConfirmed"}
            await queues.close()
        finally:
            await client.close()
