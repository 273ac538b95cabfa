"""Every command a show's inventory decides, decided in arrival order as one batch.

A batch becomes one atomic append to the inventory stream; ``now_ms`` (epoch
milliseconds) is the time of the decision, an input like the commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .events import Event
from .inventory import (
    BookingNotCancellable,
    CancelBooking,
    Inventory,
    RequestBooking,
    UnknownBooking,
    decide_booking,
    decide_cancel,
    fold,
)
from .orders import (
    ApplyPayment,
    CancelOrder,
    ExpireOrder,
    OrderCommand,
    OrderNotChangeable,
    PlaceOrder,
    UnknownOrder,
    decide_expiry,
    decide_order,
    decide_order_cancel,
    decide_payment,
)

Command = RequestBooking | CancelBooking | OrderCommand
REFUSALS = (UnknownBooking, BookingNotCancellable, UnknownOrder, OrderNotChangeable, ValueError)


def decide(state: Inventory, command: Command, now_ms: int) -> list[Event]:
    match command:
        case RequestBooking():
            return decide_booking(state, command, now_ms)
        case CancelBooking():
            return decide_cancel(state, command)
        case PlaceOrder():
            return decide_order(state, command, now_ms)
        case ExpireOrder():
            return decide_expiry(state, command, now_ms)
        case CancelOrder():
            return decide_order_cancel(state, command)
        case ApplyPayment():
            return decide_payment(state, command)


@dataclass
class BatchOutcome:
    """Events for one append, the state after them, and the refusal (if any) of each command."""

    events: list[Event]
    state: Inventory
    refusals: list[Exception | None]


def decide_each(state: Inventory, commands: Iterable[Command], now_ms: int) -> BatchOutcome:
    """Decide commands in arrival order against a working copy; ``state`` is left untouched."""
    outcome = BatchOutcome(events=[], state=state.copy(), refusals=[])
    for command in commands:
        try:
            events = decide(outcome.state, command, now_ms)
        except REFUSALS as refusal:
            outcome.refusals.append(refusal)
            continue
        fold(events, outcome.state)
        outcome.events.extend(events)
        outcome.refusals.append(None)
    return outcome


def decide_batch(
    state: Inventory, commands: Iterable[RequestBooking], now_ms: int = 0
) -> tuple[list[Event], Inventory]:
    """Decide booking requests in arrival order; ``state`` is left untouched."""
    outcome = decide_each(state, commands, now_ms)
    return outcome.events, outcome.state
