"""Placing, paying, cancelling and expiring orders: no HTTP here, just outcomes.

An order is priced from the catalog when it arrives, then goes the way every
request goes (``Submission``): recorded and queued for its show's inventory,
which holds every item or none in one append.  Payments, cancellations and
expiries are commands to the same inventory, so they are decided in order with
every booking of the show.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from boxoffice.domain.inventory import (
    REJECTED,
    UNKNOWN_CATEGORY,
    UNKNOWN_SHOW,
    Order,
    OrderLine,
)
from boxoffice.domain.orders import ApplyPayment, CancelOrder, ExpireOrder, order_total
from boxoffice.projections.instants import iso_utc

from .booking_queue import InventoryNotOpen, OrderDecided, Ticket
from .booking_requests import OrderRequest
from .shows import ShowCatalog
from .submission import Earlier, FindDecided, Pending, Submission

PENDING = "pending"


class MixedCurrencies(ValueError):
    """The items of one order are priced in more than one currency."""


@dataclass(frozen=True)
class PlaceOrderRequest:
    user_id: str
    show_id: str
    items: tuple[tuple[str, int], ...]
    """(category, quantity) pairs, categories distinct."""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class OrderReply:
    status: int
    body: dict[str, Any]


def order_url(order_id: str) -> str:
    return f"/orders/{order_id}"


class OrderService:
    def __init__(
        self,
        submission: Submission,
        catalog: ShowCatalog,
        find_order: FindDecided,
    ) -> None:
        self._submission = submission
        self._catalog = catalog
        self._find_order = find_order

    async def place(self, command: PlaceOrderRequest) -> OrderReply:
        show = await self._catalog.get(command.show_id)
        if show is None:
            return _refused(command, UNKNOWN_SHOW, [c for c, _ in command.items])
        prices = {c["code"]: c for c in show.categories}
        unknown = [category for category, _ in command.items if category not in prices]
        if unknown:
            return _refused(command, UNKNOWN_CATEGORY, unknown)
        lines = tuple(
            OrderLine(category, quantity, prices[category]["price"], prices[category]["currency"])
            for category, quantity in command.items
        )
        if len({line.currency for line in lines}) > 1:
            raise MixedCurrencies(sorted({line.currency for line in lines}))
        assert show.hold_seconds is not None, "the catalog fills in the default hold"
        request = OrderRequest(
            uuid.uuid4().hex,
            command.user_id,
            command.show_id,
            lines,
            show.hold_seconds,
            command.idempotency_key,
        )
        try:
            outcome = await self._submission.submit(request, self._find_order)
        except InventoryNotOpen:
            return _refused(command, UNKNOWN_CATEGORY, [c for c, _ in command.items])
        match outcome:
            case Earlier():
                return reply_for(outcome.document)
            case Pending():
                assert isinstance(outcome.request, OrderRequest)
                return pending_reply(outcome.request)
            case OrderDecided():
                return reply_for(order_document(command.show_id, outcome.order))
        raise AssertionError(f"an order decided as {outcome!r}")

    async def cancel(self, order: dict[str, Any], user_id: str, as_admin: bool) -> Order | None:
        """Cancel an order found in the read model; None when the decision is still pending."""
        return await self._decide(
            order["show_id"], CancelOrder(order["order_id"], user_id, as_admin)
        )

    async def pay(self, show_id: str, payment: ApplyPayment) -> Order | None:
        """Apply a payment to an order of ``show_id``; None when the decision is still pending."""
        return await self._decide(show_id, payment)

    def expire(self, show_id: str, order_id: str) -> Ticket:
        """Queue the expiry of a due order; the inventory expires it at most once."""
        return self._submission.queues.submit(show_id, ExpireOrder(order_id))

    async def _decide(self, show_id: str, command: CancelOrder | ApplyPayment) -> Order | None:
        ticket = self._submission.queues.submit(show_id, command)
        decided = await self._submission.decision(ticket, self._submission.deadline())
        if decided is None:
            return None
        assert isinstance(decided, OrderDecided), "an order command's decision"
        return decided.order


def order_document(show_id: str, order: Order) -> dict[str, Any]:
    """An order as the domain left it, in the read model's terms (see ``order_out``)."""
    document: dict[str, Any] = {
        "order_id": order.order_id,
        "status": order.status,
        "show_id": show_id,
        "items": _items(order.lines),
        "total": {"amount": order.amount, "currency": order.currency},
    }
    if order.status == REJECTED:
        document["reason"] = order.reason
        document["refused"] = [
            {"category": line.category, "quantity": line.quantity}
            for line in order.lines
            if line.category in order.refused
        ]
    else:
        document["expires_at"] = iso_utc(order.expires_at_ms * 1000)
    return document


def reply_for(order: dict[str, Any]) -> OrderReply:
    """The answer to a decided order: the same decision always renders the same reply.

    An order placed and later paid, expired or cancelled was answered 201 when
    it was placed; a retry of that request still gets 201, with today's status.
    """
    body = {key: value for key, value in order.items() if key != "user_id"}
    if order["status"] == REJECTED:
        return OrderReply(409, body)
    return OrderReply(201, {**body, "status_url": order_url(order["order_id"])})


def pending_reply(request: OrderRequest) -> OrderReply:
    return OrderReply(
        202,
        {
            "order_id": request.order_id,
            "status": PENDING,
            "show_id": request.show_id,
            "items": _items(request.lines),
            "total": {
                "amount": order_total(request.lines),
                "currency": request.lines[0].currency,
            },
            "status_url": order_url(request.order_id),
        },
    )


def _items(lines: tuple[OrderLine, ...]) -> list[dict[str, Any]]:
    return [
        {"category": line.category, "quantity": line.quantity, "unit_price": line.unit_price}
        for line in lines
    ]


def _refused(command: PlaceOrderRequest, reason: str, categories: list[str]) -> OrderReply:
    items = [{"category": c, "quantity": q} for c, q in command.items]
    return OrderReply(
        409,
        {
            "show_id": command.show_id,
            "status": REJECTED,
            "reason": reason,
            "items": items,
            "refused": [item for item in items if item["category"] in categories],
        },
    )
