"""An event as one aligned line for people reading ``replay --format table``.

Lines are written as events arrive (a table widget would hold the whole log),
so the columns have fixed widths and a long value pushes the rest along. Control
characters in the log (written before input refused them) are shown escaped,
never sent to the terminal.
"""

from __future__ import annotations

from boxoffice.control_characters import escape_controls
from boxoffice.domain.inventory import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    EXPIRED,
    PAID,
    PENDING,
    REFUND_DUE,
    REJECTED,
)
from boxoffice.eventstore import RecordedEvent
from boxoffice.eventstore.hashing import timestamp

STATUS_AFTER = {
    "BookingRequested": PENDING,
    "BookingConfirmed": CONFIRMED,
    "BookingRejected": REJECTED,
    "BookingCancelled": CANCELLED,
    "OrderPlaced": AWAITING_PAYMENT,
    "OrderRejected": REJECTED,
    "OrderPaid": PAID,
    "OrderExpired": EXPIRED,
    "OrderRefundDue": REFUND_DUE,
}
KEY_FIELDS = (
    "booking_id",
    "order_id",
    "user_id",
    "quantity",
    "amount",
    "reason",
    "capacity",
    "title",
    "email",
    "role",
)
WIDTHS = (10, 24, 48, 18)


def _row(position: str, time: str, stream: str, type_: str, details: str) -> str:
    position, stream, type_, details = map(escape_controls, (position, stream, type_, details))
    cells = (position.rjust(WIDTHS[0]), time.ljust(WIDTHS[1]), stream.ljust(WIDTHS[2]))
    return " ".join((*cells, type_.ljust(WIDTHS[3]), details)).rstrip()


def table_header() -> str:
    return _row("POSITION", "TIME", "STREAM", "TYPE", "DETAILS")


def key_fields(event: RecordedEvent) -> str:
    data = event.data
    fields = [f"{name}={data[name]}" for name in KEY_FIELDS if data.get(name) is not None]
    status = STATUS_AFTER.get(event.type)
    if status is not None:
        fields.append(f"status={status}")
    return " ".join(fields)


def table_row(event: RecordedEvent) -> str:
    time = timestamp(event.recorded_at)
    return _row(str(event.position), time, event.stream, event.type, key_fields(event))
