"""Orders: one document per order, its status as its show's inventory stream says.

``v`` is the version of the inventory stream that last changed the order.
``expires_ms`` with ``status`` is the index the hold sweeper reads: the orders
awaiting payment whose hold has run out.
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from boxoffice.domain.events import (
    Event,
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
    OrderRefundDue,
    OrderRejected,
    PaymentRefused,
)
from boxoffice.domain.inventory import (
    AWAITING_PAYMENT,
    CANCELLED,
    EXPIRED,
    PAID,
    REFUND_DUE,
    REJECTED,
)
from boxoffice.eventstore import RecordedEvent

from .instants import epoch_us, iso_utc
from .model import Document, ReadModel, Write, created, guarded

VERSION = "v"


def project_order(recorded: RecordedEvent, event: Event) -> list[Write]:
    at = epoch_us(recorded.recorded_at)
    version = recorded.version
    match event:
        case OrderPlaced():
            placed = {
                "status": AWAITING_PAYMENT,
                "amount": event.amount,
                "currency": event.currency,
                "expires_ms": event.expires_at_ms,
            }
            return [_created(recorded, event, placed)]
        case OrderRejected():
            rejected = {"status": REJECTED, "reason": event.reason, "refused": event.refused}
            return [_created(recorded, event, rejected)]
        case OrderPaid():
            paid = {"status": PAID, "payment_id": event.payment_id, "paid_by": event.paid_by}
            return [guarded(event.order_id, VERSION, version, {**paid, "updated_us": at})]
        case PaymentRefused():
            return [
                guarded(
                    event.order_id,
                    VERSION,
                    version,
                    {"last_payment_problem": event.reason, "updated_us": at},
                )
            ]
        case OrderExpired():
            return [
                guarded(event.order_id, VERSION, version, {"status": EXPIRED, "updated_us": at})
            ]
        case OrderCancelled():
            status = REFUND_DUE if event.refund_due else CANCELLED
            return [guarded(event.order_id, VERSION, version, {"status": status, "updated_us": at})]
        case OrderRefundDue():
            refund = {"status": REFUND_DUE, "reason": event.reason, "updated_us": at}
            return [guarded(event.order_id, VERSION, version, refund)]
    return []


def _created(
    recorded: RecordedEvent,
    event: OrderPlaced | OrderRejected,
    outcome: Document,
) -> Write:
    """An order's first write: what every order has, and what its decision adds."""
    at = epoch_us(recorded.recorded_at)
    fields: Document = {
        "user_id": event.user_id,
        "show_id": event.show_id,
        "items": event.items,
        "amount": "0",
        "currency": "",
        "reason": None,
        "refused": [],
        "expires_ms": 0,
        "payment_id": None,
        "paid_by": None,
        "last_payment_problem": None,
        "created_us": at,
        "updated_us": at,
        VERSION: recorded.version,
    }
    return created(event.order_id, VERSION, {**fields, **outcome})


def order_out(doc: Document) -> Document:
    """An order as the API shows it; ``user_id`` lets the caller check ownership."""
    out: Document = {
        "order_id": doc["_id"],
        "user_id": doc["user_id"],
        "status": doc["status"],
        "show_id": doc["show_id"],
        "items": [
            {key: item[key] for key in ("category", "quantity", "unit_price")}
            for item in doc["items"]
        ],
        "total": {"amount": doc["amount"], "currency": doc["currency"]},
        "created_at": iso_utc(doc["created_us"]),
        "updated_at": iso_utc(doc["updated_us"]),
    }
    if doc["status"] == REJECTED:
        out["reason"] = doc["reason"]
        out["refused"] = [
            {"category": item["category"], "quantity": item["quantity"]} for item in doc["refused"]
        ]
    else:
        out["expires_at"] = iso_utc(doc["expires_ms"] * 1000)
    if doc["status"] == REFUND_DUE and doc["reason"] is not None:
        out["refund_reason"] = doc["reason"]
    if doc["last_payment_problem"] is not None:
        out["last_payment_problem"] = doc["last_payment_problem"]
    return out


ORDERS = ReadModel(
    name="orders",
    event_types=frozenset(
        t.__name__
        for t in (
            OrderPlaced,
            OrderRejected,
            OrderPaid,
            PaymentRefused,
            OrderExpired,
            OrderCancelled,
            OrderRefundDue,
        )
    ),
    indexes=(
        IndexModel(
            [("user_id", ASCENDING), ("created_us", DESCENDING)], name="by_user_newest_first"
        ),
        IndexModel([("status", ASCENDING), ("expires_ms", ASCENDING)], name="due_holds"),
    ),
    project=project_order,
)
