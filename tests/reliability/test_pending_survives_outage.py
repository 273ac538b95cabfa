"""Bookings caught by a frozen store are never answered 503: they are 202 and land later."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from pathlib import Path

import pytest

from boxoffice.commands.booking import BookingService, BookTickets
from boxoffice.commands.booking_queue import BookingQueues
from boxoffice.commands.booking_requests import BookingRequests
from boxoffice.commands.shows import ShowCatalog, add_show
from boxoffice.commands.submission import Submission
from boxoffice.database import connect
from boxoffice.domain.shows import Category, CreateShow
from boxoffice.domain.streams import inventory_stream
from boxoffice.embedded import EmbeddedStore
from boxoffice.eventstore import MongoEventStore

pytestmark = pytest.mark.slow
FROZEN_SECONDS = 6.0  # longer than the worker's retry bound, so a batch fails while frozen
LANDS_WITHIN_SECONDS = 30.0


async def no_booking(booking_id: str) -> None:
    return None


async def applied(position: int, budget: float) -> bool:
    return True


async def test_bookings_caught_mid_write_by_a_frozen_store_are_pending_then_land(
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
            requests = BookingRequests(client["pending"]["requests"], lease_seconds=5)
            submission = Submission(queues, requests, applied, 0.3)
            service = BookingService(submission, ShowCatalog(store), no_booking)
            warm = await service.book(BookTickets("u0", show_id, "A", 1))
            assert warm.status == 201

            os.kill(embedded.pid, signal.SIGSTOP)
            try:
                burst = [
                    asyncio.create_task(service.book(BookTickets(f"u{i}", show_id, "A", 1)))
                    for i in range(1, 6)
                ]
                await asyncio.sleep(FROZEN_SECONDS)
            finally:
                os.kill(embedded.pid, signal.SIGCONT)
            replies = await asyncio.gather(*burst)
            assert {reply.status for reply in replies} <= {201, 202}

            deadline = asyncio.get_running_loop().time() + LANDS_WITHIN_SECONDS
            stream = inventory_stream(show_id)
            confirmed: set[str] = set()
            booked = {reply.body["booking_id"] for reply in replies}
            while not booked <= confirmed:
                assert asyncio.get_running_loop().time() < deadline, (
                    "the pending booking never landed"
                )
                await asyncio.sleep(0.2)
                events = await store.read_stream(stream)
                confirmed = {e.data["booking_id"] for e in events if e.type == "BookingConfirmed"}
            await queues.close()
        finally:
            await client.close()
