"""Booking and cancelling as the API offers them: no HTTP here, just outcomes.

``book`` answers with an HTTP-shaped ``Reply`` because the Idempotency-Key
contract is about replaying the *response*: the stored reply is what a retry
gets back, byte for byte.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from boxoffice.domain.inventory import (
    CONFIRMED,
    PENDING,
    UNKNOWN_CATEGORY,
    UNKNOWN_SHOW,
    CancelBooking,
    RequestBooking,
)

from .booking_queue import BookingQueues, Decided, InventoryNotOpen
from .idempotency import IdempotencyKeys, StoredResponse, booking_id_for, fingerprint
from .shows import ShowCatalog

WaitForProjection = Callable[[int, float], Awaitable[bool]]


@dataclass(frozen=True)
class BookTickets:
    user_id: str
    show_id: str
    category: str
    quantity: int
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


def status_url(booking_id: str) -> str:
    return f"/booking/tickets/status?booking_id={booking_id}"


class BookingService:
    def __init__(
        self,
        queues: BookingQueues,
        catalog: ShowCatalog,
        idempotency: IdempotencyKeys,
        wait_for_projection: WaitForProjection,
        wait_seconds: float,
    ) -> None:
        self._queues = queues
        self._catalog = catalog
        self._idempotency = idempotency
        self._wait_for_projection = wait_for_projection
        self._wait_seconds = wait_seconds

    async def book(self, command: BookTickets) -> Reply:
        key = command.idempotency_key
        if key is None:
            return await self._book(command, uuid.uuid4().hex)
        request = {
            "show_id": command.show_id,
            "category": command.category,
            "quantity": command.quantity,
        }
        stored = await self._idempotency.claim(command.user_id, key, fingerprint(request))
        if stored is not None:
            return Reply(stored.status, stored.body)
        try:
            reply = await self._book(command, booking_id_for(command.user_id, key))
        except BaseException:
            await self._idempotency.release(command.user_id, key)
            raise
        if reply.status == 202:
            await self._idempotency.release(command.user_id, key)
        else:
            await self._idempotency.complete(
                command.user_id, key, StoredResponse(reply.status, reply.body)
            )
        return reply

    async def _book(self, command: BookTickets, booking_id: str) -> Reply:
        show = await self._catalog.get(command.show_id)
        if show is None:
            return _unknown(command, UNKNOWN_SHOW)
        if command.category not in {c["code"] for c in show.categories}:
            return _unknown(command, UNKNOWN_CATEGORY)
        request = RequestBooking(
            booking_id, command.show_id, command.category, command.user_id, command.quantity
        )
        try:
            decided = await self._decision(
                self._queues.submit(command.show_id, command.category, request)
            )
        except InventoryNotOpen:
            return _unknown(command, UNKNOWN_CATEGORY)
        summary = {
            "booking_id": booking_id,
            "show_id": command.show_id,
            "category": command.category,
            "quantity": command.quantity,
        }
        if decided is None:
            return Reply(202, {**summary, "status": PENDING, "status_url": status_url(booking_id)})
        if decided.status == CONFIRMED:
            return Reply(
                201, {**summary, "status": CONFIRMED, "status_url": status_url(booking_id)}
            )
        return Reply(409, {**summary, "status": decided.status, "reason": decided.reason})

    async def cancel(self, booking: dict[str, Any], user_id: str, as_admin: bool) -> Decided | None:
        """Cancel a booking found in the read model; None when the decision is still pending."""
        command = CancelBooking(booking["booking_id"], user_id, as_admin)
        return await self._decision(
            self._queues.submit(booking["show_id"], booking["category"], command)
        )

    async def _decision(self, reply: asyncio.Future[Decided]) -> Decided | None:
        """The decision within the wait budget, visible to queries (read-your-writes); None if late."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_seconds
        try:
            decided = await asyncio.wait_for(asyncio.shield(reply), self._wait_seconds)
        except TimeoutError:
            return None
        await self._wait_for_projection(decided.position, max(0.05, deadline - loop.time()))
        return decided


def _unknown(command: BookTickets, reason: str) -> Reply:
    return Reply(
        409,
        {
            "show_id": command.show_id,
            "category": command.category,
            "quantity": command.quantity,
            "status": "rejected",
            "reason": reason,
        },
    )
