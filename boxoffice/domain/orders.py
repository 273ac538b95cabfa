"""Orders: seats held while the buyer pays, sold when the payment arrives, freed on expiry.

An order lives in its show's inventory stream, so holding every item or none
is one atomic append and held seats count against capacity and the per-user
limit like sold ones.  Each decision is a pure function of (state, command,
now); ``now_ms`` is epoch milliseconds.  A payment is applied once per provider
event id: the ids already applied are part of the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .events import (
    Event,
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
    OrderRefundDue,
    OrderRejected,
    PaymentRefused,
)
from .inventory import (
    ACTIVE,
    AWAITING_PAYMENT,
    EXPIRED,
    PAID,
    SHOW_CANCELLED,
    Inventory,
    Order,
    OrderLine,
    shortfall,
)

PAYMENT_FAILED = "payment_failed"
AMOUNT_MISMATCH = "amount_mismatch"
ALREADY_PAID = "already_paid"
ORDER_CLOSED = "order_closed"
SEATS_GONE = "seats_gone"
MANUAL_PAYMENT = "manual"


class UnknownOrder(KeyError):
    """No such order in this show, or not one the requester may see."""


class OrderNotChangeable(Exception):
    def __init__(self, order_id: str, status: str, action: str) -> None:
        super().__init__(f"order {order_id} is {status} and cannot be {action}")
        self.order_id = order_id
        self.status = status


@dataclass(frozen=True)
class PlaceOrder:
    order_id: str
    show_id: str
    user_id: str
    lines: tuple[OrderLine, ...]
    hold_seconds: int


@dataclass(frozen=True)
class ExpireOrder:
    order_id: str


@dataclass(frozen=True)
class CancelOrder:
    order_id: str
    cancelled_by: str
    as_admin: bool = False


@dataclass(frozen=True)
class ApplyPayment:
    """A provider's payment event (``provider_event_id``) or an admin's cash (None)."""

    order_id: str
    succeeded: bool
    amount: str
    currency: str
    payment_id: str
    provider_event_id: str | None
    paid_by: str


OrderCommand = PlaceOrder | ExpireOrder | CancelOrder | ApplyPayment


def order_total(lines: tuple[OrderLine, ...]) -> str:
    return str(sum((Decimal(line.unit_price) * line.quantity for line in lines), Decimal(0)))


def decide_order(state: Inventory, command: PlaceOrder, now_ms: int) -> list[Event]:
    """Hold every line or none; nothing when the order id was already decided."""
    if command.order_id in state.orders:
        return []
    categories = [line.category for line in command.lines]
    if not command.lines or len(set(categories)) != len(categories):
        raise ValueError("an order needs one or more items of distinct categories")
    if any(line.quantity < 1 for line in command.lines):
        raise ValueError("quantity must be at least 1")
    if len({line.currency for line in command.lines}) != 1:
        raise ValueError("all items of an order share one currency")
    items = [line.to_data() for line in command.lines]
    wanted = {line.category: line.quantity for line in command.lines}
    reason, at_fault = shortfall(state, command.user_id, wanted, now_ms)
    if reason is not None:
        refused = [item for item in items if item["category"] in at_fault]
        return [
            OrderRejected(
                command.order_id, command.show_id, command.user_id, items, reason, refused
            )
        ]
    return [
        OrderPlaced(
            command.order_id,
            command.show_id,
            command.user_id,
            items,
            order_total(command.lines),
            command.lines[0].currency,
            now_ms + command.hold_seconds * 1000,
        )
    ]


def decide_expiry(state: Inventory, command: ExpireOrder, now_ms: int) -> list[Event]:
    """Expire a due, unpaid order; nothing otherwise, so several sweepers expire it once."""
    order = state.orders.get(command.order_id)
    if order is None or order.status != AWAITING_PAYMENT or now_ms < order.expires_at_ms:
        return []
    return [OrderExpired(order.order_id, state.show_id, order.user_id, _items(order))]


def decide_order_cancel(state: Inventory, command: CancelOrder) -> list[Event]:
    """The owner or an admin cancels; held seats return, a paid order becomes refund_due."""
    order = state.orders.get(command.order_id)
    if order is None or not (command.as_admin or order.user_id == command.cancelled_by):
        raise UnknownOrder(command.order_id)
    if order.status not in (AWAITING_PAYMENT, PAID):
        raise OrderNotChangeable(order.order_id, order.status, "cancelled")
    return [
        OrderCancelled(
            order.order_id,
            state.show_id,
            order.user_id,
            _items(order),
            command.cancelled_by,
            refund_due=order.status == PAID,
        )
    ]


def decide_payment(state: Inventory, command: ApplyPayment) -> list[Event]:
    """Pay an order: once per provider event; a late payment re-holds the seats if it can."""
    order = state.orders.get(command.order_id)
    if order is None:
        raise UnknownOrder(command.order_id)
    if command.provider_event_id is not None and command.provider_event_id in state.payment_events:
        return []
    if command.provider_event_id is None and order.status not in (AWAITING_PAYMENT, EXPIRED):
        raise OrderNotChangeable(order.order_id, order.status, "marked paid")
    refusal = _payment_refusal(order, command)
    if refusal is not None:
        return [_refused(state, order, command, refusal)]
    if order.status == AWAITING_PAYMENT:
        return [_paid(state, order, command, reheld=False)]
    if order.status == EXPIRED and state.status != ACTIVE:
        return [_refund_due(state, order, command, SHOW_CANCELLED)]
    if order.status == EXPIRED:
        wanted = {line.category: line.quantity for line in order.lines}
        if _seats_free(state, wanted):
            return [_paid(state, order, command, reheld=True)]
        return [_refund_due(state, order, command, SEATS_GONE)]
    return [_refund_due(state, order, command, ORDER_CLOSED)]


def _payment_refusal(order: Order, command: ApplyPayment) -> str | None:
    if not command.succeeded:
        return PAYMENT_FAILED
    if order.status == PAID:
        return ALREADY_PAID
    if command.currency.upper() != order.currency.upper():
        return AMOUNT_MISMATCH
    if _decimal(command.amount) != Decimal(order.amount):
        return AMOUNT_MISMATCH
    return None


def _decimal(amount: str) -> Decimal | None:
    try:
        return Decimal(amount)
    except ArithmeticError:
        return None


def _seats_free(state: Inventory, wanted: dict[str, int]) -> bool:
    """Seats for a late payment: availability only; the buyer has paid, the limit was met."""
    return all(q <= state.categories[c].available for c, q in wanted.items())


def _items(order: Order) -> list[dict[str, Any]]:
    return [line.to_data() for line in order.lines]


def _paid(state: Inventory, order: Order, command: ApplyPayment, *, reheld: bool) -> OrderPaid:
    return OrderPaid(
        order.order_id,
        state.show_id,
        order.user_id,
        _items(order),
        order.amount,
        order.currency,
        command.payment_id,
        command.provider_event_id,
        command.paid_by,
        reheld,
    )


def _refused(state: Inventory, order: Order, command: ApplyPayment, reason: str) -> PaymentRefused:
    return PaymentRefused(
        order.order_id,
        state.show_id,
        command.provider_event_id,
        command.payment_id,
        command.amount,
        command.currency,
        reason,
    )


def _refund_due(
    state: Inventory, order: Order, command: ApplyPayment, reason: str
) -> OrderRefundDue:
    return OrderRefundDue(
        order.order_id,
        state.show_id,
        order.user_id,
        _items(order),
        command.payment_id,
        command.amount,
        command.currency,
        command.provider_event_id,
        reason,
    )
