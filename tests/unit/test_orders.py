"""Pure order decisions with a moved clock: holds, expiry, payment, cancellation."""

from __future__ import annotations

import pytest

from boxoffice.domain.decisions import decide_each
from boxoffice.domain.events import (
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
    INSUFFICIENT_AVAILABILITY,
    PAID,
    PER_USER_LIMIT,
    REFUND_DUE,
    Inventory,
    OrderLine,
    RequestBooking,
    fold,
    open_inventory,
)
from boxoffice.domain.orders import (
    ALREADY_PAID,
    AMOUNT_MISMATCH,
    PAYMENT_FAILED,
    SEATS_GONE,
    ApplyPayment,
    CancelOrder,
    ExpireOrder,
    OrderNotChangeable,
    PlaceOrder,
    UnknownOrder,
    decide_expiry,
    decide_order,
    decide_order_cancel,
    decide_payment,
)

NOW = 1_800_000_000_000
HOLD = 600


def show(a: int = 10, b: int = 10, limit: int | None = None) -> Inventory:
    return fold(open_inventory("s", "A", a, limit) + open_inventory("s", "B", b, limit))


def place(
    order_id: str = "o1", a: int = 2, b: int = 1, user: str = "u1", currency: str = "EUR"
) -> PlaceOrder:
    lines = [OrderLine("A", a, "10.50", currency), OrderLine("B", b, "20.00", "EUR")]
    return PlaceOrder(order_id, "s", user, tuple(line for line in lines if line.quantity), HOLD)


def placed(state: Inventory, command: PlaceOrder | None = None, now: int = NOW) -> Inventory:
    return fold(decide_order(state, command or place(), now), state)


def pay(
    order_id: str = "o1", amount: str = "41.00", currency: str = "EUR", event: str = "evt_1"
) -> ApplyPayment:
    return ApplyPayment(order_id, True, amount, currency, "pay_1", event, "provider")


def test_an_order_holds_every_item_until_its_hold_time_ends() -> None:
    (event,) = decide_order(show(), place(), NOW)
    assert isinstance(event, OrderPlaced)
    assert event.expires_at_ms == NOW + HOLD * 1000
    assert event.amount == "41.00" and event.currency == "EUR"


def test_held_seats_are_unavailable_and_counted_as_held() -> None:
    state = placed(show())
    assert (state.categories["A"].available, state.categories["A"].held) == (8, 2)
    assert (state.categories["B"].available, state.categories["B"].held) == (9, 1)


def test_an_order_one_item_of_which_cannot_be_held_holds_nothing() -> None:
    state = show(a=10, b=1)
    (event,) = decide_order(state, place(a=2, b=2), NOW)
    assert isinstance(event, OrderRejected)
    assert event.reason == INSUFFICIENT_AVAILABILITY
    assert [item["category"] for item in event.refused] == ["B"]
    assert fold([event], state).categories["A"].available == 10


def test_held_seats_count_against_the_per_user_limit_across_categories() -> None:
    state = placed(show(limit=4), place(a=2, b=1))
    booking = RequestBooking("b1", "s", "B", "u1", 2)
    outcome = decide_each(state, [booking], NOW)
    assert outcome.state.bookings["b1"].reason == PER_USER_LIMIT


def test_an_order_id_is_decided_once() -> None:
    state = placed(show())
    assert decide_order(state, place(), NOW) == []


def test_items_in_two_currencies_are_refused() -> None:
    with pytest.raises(ValueError):
        decide_order(show(), place(currency="USD"), NOW)


def test_an_order_is_not_expired_before_its_time() -> None:
    state = placed(show())
    assert decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 1000 - 1) == []


def test_an_expired_order_gives_its_seats_back() -> None:
    state = placed(show())
    (event,) = decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 1000)
    assert isinstance(event, OrderExpired)
    fold([event], state)
    assert state.orders["o1"].status == EXPIRED
    assert (state.categories["A"].available, state.categories["A"].held) == (10, 0)
    assert state.held_by_user["u1"] == 0


def test_an_order_expires_once() -> None:
    state = placed(show())
    fold(decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 1000), state)
    assert decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 2000) == []


def test_a_matching_payment_sells_the_held_seats() -> None:
    state = placed(show())
    (event,) = decide_payment(state, pay())
    assert isinstance(event, OrderPaid) and not event.reheld
    fold([event], state)
    assert state.orders["o1"].status == PAID
    assert (state.categories["A"].available, state.categories["A"].held) == (8, 0)


def test_a_payment_event_is_applied_once() -> None:
    state = placed(show())
    fold(decide_payment(state, pay()), state)
    assert decide_payment(state, pay()) == []


def test_a_wrong_amount_is_recorded_and_leaves_the_order_unpaid() -> None:
    state = placed(show())
    (event,) = decide_payment(state, pay(amount="40.99"))
    assert isinstance(event, PaymentRefused) and event.reason == AMOUNT_MISMATCH
    assert fold([event], state).orders["o1"].status == AWAITING_PAYMENT


def test_a_wrong_currency_is_an_amount_mismatch() -> None:
    (event,) = decide_payment(placed(show()), pay(currency="USD"))
    assert isinstance(event, PaymentRefused) and event.reason == AMOUNT_MISMATCH


def test_a_failed_payment_is_recorded_and_leaves_the_order_unpaid() -> None:
    failed = ApplyPayment("o1", False, "41.00", "EUR", "pay_1", "evt_9", "provider")
    (event,) = decide_payment(placed(show()), failed)
    assert isinstance(event, PaymentRefused) and event.reason == PAYMENT_FAILED


def test_a_second_payment_of_a_paid_order_is_recorded_as_already_paid() -> None:
    state = placed(show())
    fold(decide_payment(state, pay()), state)
    (event,) = decide_payment(state, pay(event="evt_2"))
    assert isinstance(event, PaymentRefused) and event.reason == ALREADY_PAID


def test_a_payment_after_expiry_holds_the_seats_again_when_they_are_free() -> None:
    state = placed(show())
    fold(decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 1000), state)
    (event,) = decide_payment(state, pay())
    assert isinstance(event, OrderPaid) and event.reheld
    fold([event], state)
    assert state.orders["o1"].status == PAID
    assert (state.categories["A"].available, state.categories["A"].held) == (8, 0)
    assert state.held_by_user["u1"] == 3


def test_a_payment_after_expiry_whose_seats_are_gone_is_refund_due() -> None:
    state = placed(show(a=2, b=1))
    fold(decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 1000), state)
    fold(decide_order(state, place("o2", user="u2"), NOW + HOLD * 1000), state)
    (event,) = decide_payment(state, pay())
    assert isinstance(event, OrderRefundDue) and event.reason == SEATS_GONE
    assert fold([event], state).orders["o1"].status == REFUND_DUE


def test_cancelling_a_held_order_gives_its_seats_back() -> None:
    state = placed(show())
    (event,) = decide_order_cancel(state, CancelOrder("o1", "u1"))
    assert isinstance(event, OrderCancelled) and not event.refund_due
    fold([event], state)
    assert state.orders["o1"].status == CANCELLED
    assert state.categories["A"] == show().categories["A"]


def test_cancelling_a_paid_order_makes_it_refund_due_and_frees_its_seats() -> None:
    state = placed(show())
    fold(decide_payment(state, pay()), state)
    (event,) = decide_order_cancel(state, CancelOrder("o1", "u1"))
    assert isinstance(event, OrderCancelled) and event.refund_due
    fold([event], state)
    assert state.orders["o1"].status == REFUND_DUE
    assert state.categories["A"].available == 10


def test_a_stranger_cannot_cancel_an_order() -> None:
    with pytest.raises(UnknownOrder):
        decide_order_cancel(placed(show()), CancelOrder("o1", "intruder"))


def test_an_expired_order_cannot_be_cancelled() -> None:
    state = placed(show())
    fold(decide_expiry(state, ExpireOrder("o1"), NOW + HOLD * 1000), state)
    with pytest.raises(OrderNotChangeable):
        decide_order_cancel(state, CancelOrder("o1", "u1"))


def test_a_paid_order_cannot_be_marked_paid() -> None:
    state = placed(show())
    fold(decide_payment(state, pay()), state)
    cash = ApplyPayment("o1", True, "41.00", "EUR", "manual", None, "admin")
    with pytest.raises(OrderNotChangeable):
        decide_payment(state, cash)


def test_a_payment_after_cancellation_is_refund_due() -> None:
    state = placed(show())
    fold(decide_order_cancel(state, CancelOrder("o1", "u1")), state)
    (event,) = decide_payment(state, pay())
    assert isinstance(event, OrderRefundDue)
