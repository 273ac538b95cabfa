"""Booking and cancelling as the API offers them: no HTTP here, just outcomes.

A booking request is checked against the catalog, then goes the way every
request goes (``Submission``): recorded and queued at once, decided within a
budget, answered 201 or 409 when decided in time and 202 with a status URL
otherwise.  503 is left for a request of which nothing was sent.
"""

from __future__ import annotations

import uuid
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

from .booking_queue import Decided, InventoryNotOpen
from .booking_requests import BookingRequest
from .shows import ShowCatalog
from .submission import Earlier, FindDecided, Pending, Submission


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
        self, submission: Submission, catalog: ShowCatalog, find_booking: FindDecided
    ) -> None:
        self._submission = submission
        self._catalog = catalog
        self._find_booking = find_booking

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
        try:
            outcome = await self._submission.submit(request, self._find_booking)
        except InventoryNotOpen:
            return _unknown(request.show_id, request.category, request.quantity, UNKNOWN_CATEGORY)
        match outcome:
            case Earlier():
                return _reply_for(outcome.document)
            case Pending():
                assert isinstance(outcome.request, BookingRequest)
                return _pending(outcome.request)
            case Decided():
                decided = {"booking_id": outcome.booking_id, "status": outcome.status}
                return _reply_for({**_summary(request), **decided, "reason": outcome.reason})
        raise AssertionError(f"a booking decided as {outcome!r}")

    async def _unknown_offer(self, command: BookTickets) -> str | None:
        show = await self._catalog.get(command.show_id)
        if show is None:
            return UNKNOWN_SHOW
        if command.category not in {c["code"] for c in show.categories}:
            return UNKNOWN_CATEGORY
        return None

    async def cancel(self, booking: dict[str, Any], user_id: str, as_admin: bool) -> Decided | None:
        """Cancel a booking found in the read model; None when the decision is still pending."""
        command = CancelBooking(booking["booking_id"], user_id, as_admin)
        ticket = self._submission.queues.submit(booking["show_id"], command)
        decided = await self._submission.decision(ticket, self._submission.deadline())
        assert decided is None or isinstance(decided, Decided), "a booking command's decision"
        return decided


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
