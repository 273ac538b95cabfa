"""Pure decisions of the show lifecycle at a fixed time: sales window, changes, cancellation."""

from __future__ import annotations

import pytest

from boxoffice.domain.decisions import decide
from boxoffice.domain.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRejected,
    CapacityChanged,
    CategoryAdded,
    Event,
    OrderRefundDue,
    OrderRejected,
    SalesWindowSet,
    ShowCancellationStarted,
    ShowCancelled,
    ShowChanged,
)
from boxoffice.domain.inventory import (
    CANCELLED,
    CANCELLING,
    NOT_ON_SALE,
    PAID,
    REFUND_DUE,
    SHOW_CANCELLED,
    SHOW_OVER,
    Inventory,
    OrderLine,
    RequestBooking,
    fold,
)
from boxoffice.domain.orders import ApplyPayment, ExpireOrder, PlaceOrder
from boxoffice.domain.show_changes import (
    CAPACITY_BELOW_TAKEN,
    CATEGORY_EXISTS,
    UNKNOWN_CATEGORY,
    ChangeRefused,
    ChangeShow,
    ShowNotChangeable,
    decide_cancellation_step,
    decide_inventory_change,
    decide_show_cancel,
    decide_show_change,
)
from boxoffice.domain.shows import (
    Category,
    CreateShow,
    Schedule,
    create_show,
    fold_show,
    instant_ms,
)
from boxoffice.domain.streams import inventory_stream, show_stream

NOW = instant_ms("2027-01-10T12:00:00Z")
STARTS = "2027-03-01T19:30:00Z"
STALLS = Category("A", "Stalls", "55.00", "EUR", 10)


def created(
    sales_start: str | None = None, sales_end: str | None = None
) -> tuple[Inventory, CreateShow]:
    command = CreateShow(
        "s", "Hamlet", "Globe", STARTS, (STALLS,), None, "admin", sales_start, sales_end, 900
    )
    appends = dict(create_show(command))
    return fold(appends[inventory_stream("s")]), command


def booked(
    state: Inventory, booking_id: str, quantity: int = 1, now: int = NOW, category: str = "A"
) -> list[Event]:
    events = decide(state, RequestBooking(booking_id, "s", category, "u1", quantity), now)
    fold(events, state)
    return events


def test_a_booking_inside_the_window_is_confirmed() -> None:
    state, _ = created("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z")
    assert isinstance(booked(state, "b1")[-1], BookingConfirmed)


@pytest.mark.parametrize(
    ("sales_start", "sales_end"),
    [("2027-01-11T00:00:00Z", None), (None, "2027-01-10T12:00:00Z")],
)
def test_a_booking_before_or_after_the_window_is_not_on_sale(
    sales_start: str | None, sales_end: str | None
) -> None:
    state, _ = created(sales_start, sales_end)
    rejected = booked(state, "b1")[-1]
    assert isinstance(rejected, BookingRejected) and rejected.reason == NOT_ON_SALE


def test_an_order_outside_the_window_is_rejected_not_on_sale() -> None:
    state, _ = created("2027-01-11T00:00:00Z")
    place = PlaceOrder("o1", "s", "u1", (OrderLine("A", 1, "55.00", "EUR"),), 600)
    (rejected,) = decide(state, place, NOW)
    assert isinstance(rejected, OrderRejected) and rejected.reason == NOT_ON_SALE


def test_a_show_that_has_started_is_over() -> None:
    state, _ = created()
    rejected = booked(state, "b1", now=instant_ms(STARTS))[-1]
    assert isinstance(rejected, BookingRejected) and rejected.reason == SHOW_OVER


def test_a_schedule_in_the_past_or_an_empty_window_has_problems() -> None:
    assert Schedule("2027-01-01T00:00:00Z", None, None).problems(NOW) == [
        ("starts_at", "must be in the future")
    ]
    window = Schedule(STARTS, "2027-02-01T00:00:00Z", "2027-01-20T00:00:00Z")
    assert window.problems(NOW) == [("sales_end", "must be after sales_start")]
    assert Schedule(STARTS, None, None).problems(NOW) == []


def change(**kwargs: object) -> ChangeShow:
    return ChangeShow("s", "admin", **kwargs)  # type: ignore[arg-type]


def test_capacity_never_goes_below_the_seats_taken() -> None:
    state, _ = created()
    booked(state, "b1", 3)
    fold(
        decide(state, PlaceOrder("o1", "s", "u2", (OrderLine("A", 2, "55", "EUR"),), 60), NOW),
        state,
    )
    schedule = Schedule(STARTS, None, None)
    with pytest.raises(ChangeRefused) as refused:
        decide_inventory_change(state, change(capacities={"A": 4}), schedule)
    assert refused.value.reason == CAPACITY_BELOW_TAKEN and refused.value.facts["taken"] == 5
    (lowered,) = decide_inventory_change(state, change(capacities={"A": 5}), schedule)
    assert lowered == CapacityChanged("s", "A", 5, 10, "admin")
    fold([lowered], state)
    assert (state.categories["A"].capacity, state.categories["A"].available) == (5, 0)
    assert decide_inventory_change(state, change(capacities={"A": 5}), schedule) == []


def test_a_category_is_added_once_and_a_capacity_needs_a_known_category() -> None:
    state, _ = created()
    schedule = Schedule(STARTS, None, None)
    gallery = Category("G", "Gallery", "25.00", "EUR", 4)
    (added,) = decide_inventory_change(state, change(add_categories=(gallery,)), schedule)
    assert added == CategoryAdded("s", "G", 4)
    fold([added], state)
    assert decide_inventory_change(state, change(add_categories=(gallery,)), schedule) == []
    bigger = Category("G", "Gallery", "25.00", "EUR", 8)
    with pytest.raises(ChangeRefused) as exists:
        decide_inventory_change(state, change(add_categories=(bigger,)), schedule)
    assert exists.value.reason == CATEGORY_EXISTS
    with pytest.raises(ChangeRefused) as unknown:
        decide_inventory_change(state, change(capacities={"Z": 3}), schedule)
    assert unknown.value.reason == UNKNOWN_CATEGORY
    assert isinstance(booked(state, "b1", 4, category="G")[-1], BookingConfirmed)


def test_moving_the_window_is_an_inventory_event_and_closes_sales() -> None:
    state, _ = created()
    moved = change(details={"sales_start": "2027-02-01T00:00:00Z"})
    (window,) = decide_inventory_change(
        state, moved, Schedule(STARTS, "2027-02-01T00:00:00Z", None)
    )
    assert isinstance(window, SalesWindowSet)
    fold([window], state)
    assert booked(state, "b1")[-1].reason == NOT_ON_SALE  # type: ignore[attr-defined]


def test_the_show_stream_records_the_whole_description_and_what_changed() -> None:
    _, command = created()
    record = fold_show(dict(create_show(command))[show_stream("s")])
    assert record is not None and record.hold_seconds == 900
    gallery = Category("G", "Gallery", "25.00", "EUR", 4)
    (changed,) = decide_show_change(
        record,
        change(details={"title": "Macbeth"}, add_categories=(gallery,), capacities={"A": 12}),
    )
    assert isinstance(changed, ShowChanged)
    assert changed.changed == ["title", "categories"]
    assert [(c["code"], c["capacity"]) for c in changed.categories] == [("A", 12), ("G", 4)]
    after = fold_show([changed], record)
    assert after is not None and after.title == "Macbeth" and after.version == 2
    assert decide_show_change(after, change(details={"title": "Macbeth"})) == []


def test_a_cancellation_closes_sales_then_cancels_everything_in_batches() -> None:
    state, _ = created()
    for n in range(3):
        booked(state, f"b{n}")
    held = PlaceOrder("o1", "s", "u2", (OrderLine("A", 1, "55.00", "EUR"),), 600)
    paid = PlaceOrder("o2", "s", "u3", (OrderLine("A", 2, "55.00", "EUR"),), 600)
    for order in (held, paid):
        fold(decide(state, order, NOW), state)
    payment = ApplyPayment("o2", True, "110.00", "EUR", "p", "evt", "provider")
    fold(decide(state, payment, NOW), state)
    (started,) = decide_show_cancel(state, "admin")
    assert isinstance(started, ShowCancellationStarted) and started.categories == ["A"]
    fold([started], state)
    assert state.status == CANCELLING and decide_show_cancel(state, "admin") == []
    assert booked(state, "late")[-1].reason == SHOW_CANCELLED  # type: ignore[attr-defined]
    with pytest.raises(ShowNotChangeable):
        decide_inventory_change(state, change(capacities={"A": 20}), Schedule(STARTS, None, None))
    steps = []
    while state.status != CANCELLED:
        events = decide_cancellation_step(state, batch=2)
        steps.append([type(e).__name__ for e in events])
        fold(events, state)
    assert steps == [
        ["BookingCancelled", "BookingCancelled"],
        ["BookingCancelled", "OrderCancelled"],
        ["OrderCancelled"],
        ["ShowCancelled"],
    ]
    assert all(b.status in ("cancelled", "rejected") for b in state.bookings.values())
    assert state.orders["o1"].status == CANCELLED and state.orders["o2"].status == REFUND_DUE
    assert state.categories["A"].available == 10
    assert decide_cancellation_step(state, batch=2) == []


def test_the_cancellation_cancels_as_the_admin_who_started_it() -> None:
    state, _ = created()
    booked(state, "b1")
    fold(decide_show_cancel(state, "organiser"), state)
    (cancelled,) = decide_cancellation_step(state, batch=10)
    assert isinstance(cancelled, BookingCancelled) and cancelled.cancelled_by == "organiser"
    fold([cancelled], state)
    assert isinstance(decide_cancellation_step(state, batch=10)[0], ShowCancelled)


def test_a_late_payment_of_an_expired_order_of_a_cancelled_show_is_refund_due() -> None:
    state, _ = created()
    fold(
        decide(state, PlaceOrder("o1", "s", "u1", (OrderLine("A", 1, "55.00", "EUR"),), 1), NOW),
        state,
    )
    fold(decide(state, ExpireOrder("o1"), NOW + 2000), state)
    fold(decide_show_cancel(state, "admin"), state)
    payment = ApplyPayment("o1", True, "55.00", "EUR", "p", "evt", "provider")
    (refund,) = decide(state, payment, NOW + 3000)
    assert isinstance(refund, OrderRefundDue) and refund.reason == SHOW_CANCELLED
    assert state.orders["o1"].status != PAID
