"""Booking and cancelling as the API offers them: no HTTP here, just outcomes.

A booking request goes, top to bottom: the offer is checked against the
catalog; the request is queued for its inventory while its record is written
(the two waits overlap; the queue decides it only if the record is the first
for its Idempotency-Key); then the caller waits a bounded time for the
decision and for the read models to show it, all within one budget.  Once
the record is in the store, every outcome is true: 201 or 409 when decided in
time, otherwise 202 with a status URL that any process answers from the
record and that a restarted or another process settles (``RequestRecovery``).
When the store stops answering while the record is being written, the answer
is also 202: this process keeps writing it until the store says what became
of it, then decides it.  503 is left for a request of which nothing was sent.
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
    REJECTED,
    UNKNOWN_CATEGORY,
    UNKNOWN_SHOW,
    CancelBooking,
)

from .booking_queue import BookingQueues, Decided, InventoryNotOpen, Ticket
from .booking_requests import BookingRequest, BookingRequests, KeyInFlight
from .decision_wait import WaitForProjection, visible_decision
from .shows import ShowCatalog

FindBooking = Callable[[str], Awaitable[dict[str, Any] | None]]


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
        requests: BookingRequests,
        find_booking: FindBooking,
        wait_for_projection: WaitForProjection,
        wait_seconds: float,
    ) -> None:
        self._queues = queues
        self._catalog = catalog
        self._requests = requests
        self._find_booking = find_booking
        self._wait_for_projection = wait_for_projection
        self._wait_seconds = wait_seconds

    async def book(self, command: BookTickets) -> Reply:
        unknown = await self._unknown_offer(command)
        if unknown is not None:
            return _unknown(command.show_id, command.category, command.quantity, unknown)
        request = BookingRequest(
            uuid.uuid4().hex,
            command.user_id,
            command.show_id,
            command.category,
            command.quantity,
            command.idempotency_key,
        )
        deadline = asyncio.get_running_loop().time() + self._wait_seconds
        ticket = self._submit(request, gated=True)
        recording = asyncio.ensure_future(self._requests.record(request))
        ticket.open_when(recording, lambda recorded: recorded.first)
        try:
            # StoreUnavailable only if nothing was written: a 503.
            recorded = await asyncio.wait_for(asyncio.shield(recording), self._wait_seconds)
        except TimeoutError:
            return _pending(request)  # the store stopped answering; the record is still retried
        if not recorded.first:
            earlier = await self._find_booking(recorded.booking_id)
            if earlier is not None and earlier["status"] != PENDING:
                return _reply_for(earlier)
            if recorded.lease_running:
                raise KeyInFlight()
            assert request.key is not None, "a request without a key is always first"
            await self._requests.renew(command.user_id, request.key)
            request = BookingRequest(recorded.booking_id, *_details(request))
            ticket = self._submit(request)
        return await self._settled(request, ticket, deadline)

    async def _unknown_offer(self, command: BookTickets) -> str | None:
        show = await self._catalog.get(command.show_id)
        if show is None:
            return UNKNOWN_SHOW
        if command.category not in {c["code"] for c in show.categories}:
            return UNKNOWN_CATEGORY
        return None

    def _submit(self, request: BookingRequest, *, gated: bool = False) -> Ticket:
        return self._queues.submit(request.show_id, request.command(), gated=gated)

    async def _settled(self, request: BookingRequest, ticket: Ticket, deadline: float) -> Reply:
        try:
            decided = await self._decision(ticket, deadline)
        except InventoryNotOpen:
            return _unknown(request.show_id, request.category, request.quantity, UNKNOWN_CATEGORY)
        if decided is None:
            return _pending(request)
        return _reply_for({**_summary(request), "status": decided.status, "reason": decided.reason})

    async def cancel(self, booking: dict[str, Any], user_id: str, as_admin: bool) -> Decided | None:
        """Cancel a booking found in the read model; None when the decision is still pending."""
        command = CancelBooking(booking["booking_id"], user_id, as_admin)
        ticket = self._queues.submit(booking["show_id"], command)
        return await self._decision(ticket, asyncio.get_running_loop().time() + self._wait_seconds)

    async def _decision(self, ticket: Ticket, deadline: float) -> Decided | None:
        decided = await visible_decision(ticket, deadline, self._wait_for_projection)
        assert decided is None or isinstance(decided, Decided), "a booking command's decision"
        return decided


def _details(request: BookingRequest) -> tuple[str, str, str, int, str | None]:
    return request.user_id, request.show_id, request.category, request.quantity, request.key


def _summary(request: BookingRequest) -> dict[str, Any]:
    return {
        "booking_id": request.booking_id,
        "show_id": request.show_id,
        "category": request.category,
        "quantity": request.quantity,
    }


def _pending(request: BookingRequest) -> Reply:
    url = status_url(request.booking_id)
    return Reply(202, {**_summary(request), "status": PENDING, "status_url": url})


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


def _unknown(show_id: str, category: str, quantity: int, reason: str) -> Reply:
    return Reply(
        409,
        {
            "show_id": show_id,
            "category": category,
            "quantity": quantity,
            "status": REJECTED,
            "reason": reason,
        },
    )
