"""Booking and cancelling as the API offers them: no HTTP here, just outcomes.

``book`` answers with an HTTP-shaped ``Reply`` because the Idempotency-Key
contract is about replaying the *response*: the stored reply is what a retry
gets back, byte for byte.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from boxoffice.domain.inventory import (
    CONFIRMED,
    PENDING,
    REJECTED,
    UNKNOWN_CATEGORY,
    UNKNOWN_SHOW,
    CancelBooking,
    RequestBooking,
)
from boxoffice.projections.bookings import booking_out
from boxoffice.projections.instants import epoch_us

from .booking_queue import BookingQueues, Decided, InventoryNotOpen, Ticket
from .idempotency import IdempotencyKeys, KeyInFlight, fingerprint
from .shows import ShowCatalog

WaitForProjection = Callable[[int, float], Awaitable[bool]]
"""Waits until the read models a booking changes have applied a log position (read-your-writes)."""


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


FindBooking = Callable[[str], Awaitable[dict[str, Any] | None]]


class BookingService:
    def __init__(
        self,
        queues: BookingQueues,
        catalog: ShowCatalog,
        idempotency: IdempotencyKeys,
        find_booking: FindBooking,
        wait_for_projection: WaitForProjection,
        wait_seconds: float,
    ) -> None:
        self._queues = queues
        self._catalog = catalog
        self._idempotency = idempotency
        self._find_booking = find_booking
        self._wait_for_projection = wait_for_projection
        self._wait_seconds = wait_seconds

    async def book(self, command: BookTickets) -> Reply:
        unknown = await self._unknown_offer(command)
        if unknown is not None:
            return _unknown(command, unknown)
        key = command.idempotency_key
        if key is None:
            return await self._book(command, uuid.uuid4().hex)
        request = {
            "show_id": command.show_id,
            "category": command.category,
            "quantity": command.quantity,
        }
        booking_id = uuid.uuid4().hex
        # Queued while its claim is written: the two waits overlap instead of adding up.
        ticket = self._submit(command, booking_id, gated=True)
        claiming = asyncio.ensure_future(
            self._idempotency.claim(command.user_id, key, fingerprint(request), booking_id)
        )
        ticket.open_when(claiming, lambda claim: claim.first)
        claim = await claiming
        if not claim.first:
            earlier = await self._find_booking(claim.booking_id)
            if earlier is not None and earlier["status"] != PENDING:
                return _reply_for(earlier)
            if claim.lease_running:
                raise KeyInFlight()
            await self._idempotency.renew(command.user_id, key)
            ticket = self._submit(command, claim.booking_id)
        try:
            return await self._settled(command, claim.booking_id, ticket)
        except Exception:
            with contextlib.suppress(Exception):
                await self._idempotency.release(command.user_id, key)
            raise

    async def _unknown_offer(self, command: BookTickets) -> str | None:
        show = await self._catalog.get(command.show_id)
        if show is None:
            return UNKNOWN_SHOW
        if command.category not in {c["code"] for c in show.categories}:
            return UNKNOWN_CATEGORY
        return None

    def _submit(self, command: BookTickets, booking_id: str, *, gated: bool = False) -> Ticket:
        request = RequestBooking(
            booking_id, command.show_id, command.category, command.user_id, command.quantity
        )
        return self._queues.submit(command.show_id, command.category, request, gated=gated)

    async def _book(self, command: BookTickets, booking_id: str) -> Reply:
        return await self._settled(command, booking_id, self._submit(command, booking_id))

    async def _settled(self, command: BookTickets, booking_id: str, ticket: Ticket) -> Reply:
        try:
            decided = await self._decision(ticket)
        except InventoryNotOpen:
            return _unknown(command, UNKNOWN_CATEGORY)
        booking = {
            "booking_id": booking_id,
            "show_id": command.show_id,
            "category": command.category,
            "quantity": command.quantity,
        }
        if decided is None:
            return Reply(202, {**booking, "status": PENDING, "status_url": status_url(booking_id)})
        return _reply_for({**booking, "status": decided.status, "reason": decided.reason})

    def pending(self, booking_id: str) -> dict[str, Any] | None:
        """A booking this process answered 202 for and has not decided yet, shaped like the
        booking read model's (the read model only learns of a booking with its decision)."""
        ticket = self._queues.pending(booking_id)
        if ticket is None:
            return None
        request = ticket.command
        assert isinstance(request, RequestBooking)
        queued_us = epoch_us(ticket.queued_at)
        return booking_out(
            {
                "_id": booking_id,
                "user_id": request.user_id,
                "status": PENDING,
                "show_id": request.show_id,
                "category": request.category,
                "quantity": request.quantity,
                "reason": None,
                "created_us": queued_us,
                "updated_us": queued_us,
            }
        )

    async def cancel(self, booking: dict[str, Any], user_id: str, as_admin: bool) -> Decided | None:
        """Cancel a booking found in the read model; None when the decision is still pending."""
        command = CancelBooking(booking["booking_id"], user_id, as_admin)
        return await self._decision(
            self._queues.submit(booking["show_id"], booking["category"], command)
        )

    async def _decision(self, ticket: Ticket) -> Decided | None:
        """The decision within the wait budget, visible to queries (read-your-writes); None if late.

        None means the caller answers 202: the ticket is then detached, so a
        store outage delays it but never drops it.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_seconds
        reply = ticket.reply
        try:
            decided = await asyncio.wait_for(asyncio.shield(reply), self._wait_seconds)
        except TimeoutError:
            if not self._queues.being_written(ticket):
                self._queues.detach(ticket)
                return None
            # Its append is under way, so the store is what is slow: a 202 could announce a
            # booking whose batch then fails.  The worker's verdict comes within its retry bound.
            decided = await asyncio.shield(reply)
        await self._wait_for_projection(decided.position, max(0.05, deadline - loop.time()))
        return decided


def _reply_for(booking: dict[str, Any]) -> Reply:
    """The answer to a decided booking: the same decision always renders the same reply.

    A booking confirmed then cancelled was answered 201 when it was made, so a
    retry of that request still gets 201.
    """
    summary = {key: booking[key] for key in ("booking_id", "show_id", "category", "quantity")}
    if booking["status"] == REJECTED:
        return Reply(409, {**summary, "status": REJECTED, "reason": booking["reason"]})
    return Reply(
        201, {**summary, "status": CONFIRMED, "status_url": status_url(summary["booking_id"])}
    )


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
