"""The payment provider's webhook: signatures, once-only events, amounts, late payments."""

from __future__ import annotations

import time

from aiohttp.test_utils import TestClient

from boxoffice.webhooks.signing import HEADER

from .actors import sign_up
from .orders import deliver, new_two_category_show, payment_event, place


async def placed_order(client: TestClient) -> str:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    status, order = await place(client, buyer, show_id, {"A": 1, "B": 1})
    assert status == 201, order
    return str(order["order_id"])


async def order_status(client: TestClient, order_id: str) -> str:
    admin = await sign_up(client, admin=True)
    response = await client.get(f"/orders/{order_id}", headers=admin.headers)
    return str((await response.json())["status"])


async def test_a_signed_matching_payment_makes_the_order_paid(client: TestClient) -> None:
    order_id = await placed_order(client)
    status, body = await deliver(client, payment_event(order_id, "75.00"))
    assert status == 200 and body["status"] == "paid"
    assert await order_status(client, order_id) == "paid"


async def test_a_bad_signature_is_a_400_and_changes_nothing(client: TestClient) -> None:
    order_id = await placed_order(client)
    status, problem = await deliver(client, payment_event(order_id, "75.00"), secret="wrong")
    assert status == 400 and problem["title"] == "Invalid signature"
    assert await order_status(client, order_id) == "awaiting_payment"


async def test_a_missing_signature_is_a_400(client: TestClient) -> None:
    order_id = await placed_order(client)
    response = await client.post("/payments/webhook", data=payment_event(order_id, "75.00"))
    assert response.status == 400


async def test_a_signature_older_than_the_tolerance_is_a_400(client: TestClient) -> None:
    order_id = await placed_order(client)
    stale = int(time.time()) - 301
    status, _ = await deliver(client, payment_event(order_id, "75.00"), at=stale)
    assert status == 400
    assert await order_status(client, order_id) == "awaiting_payment"


async def test_a_malformed_signature_header_is_a_400(client: TestClient) -> None:
    order_id = await placed_order(client)
    response = await client.post(
        "/payments/webhook", data=payment_event(order_id, "75.00"), headers={HEADER: "v1=abc"}
    )
    assert response.status == 400


async def test_a_replayed_event_id_is_applied_once(client: TestClient) -> None:
    order_id = await placed_order(client)
    event = payment_event(order_id, "75.00", event_id="evt_once")
    first = await deliver(client, event)
    again = await deliver(client, event)
    assert first[0] == again[0] == 200
    assert again[1]["status"] == "paid"


async def test_a_wrong_amount_leaves_the_order_unpaid_and_is_recorded(client: TestClient) -> None:
    order_id = await placed_order(client)
    status, body = await deliver(client, payment_event(order_id, "74.99"))
    assert status == 200 and body["status"] == "awaiting_payment"
    admin = await sign_up(client, admin=True)
    order = await (await client.get(f"/orders/{order_id}", headers=admin.headers)).json()
    assert order["last_payment_problem"] == "amount_mismatch"


async def test_a_wrong_currency_leaves_the_order_unpaid(client: TestClient) -> None:
    order_id = await placed_order(client)
    status, body = await deliver(client, payment_event(order_id, "75.00", currency="USD"))
    assert status == 200 and body["status"] == "awaiting_payment"


async def test_a_failed_payment_leaves_the_order_awaiting_payment(client: TestClient) -> None:
    order_id = await placed_order(client)
    status, body = await deliver(client, payment_event(order_id, "75.00", kind="payment.failed"))
    assert status == 200 and body["status"] == "awaiting_payment"


async def test_another_event_type_is_acknowledged_and_ignored(client: TestClient) -> None:
    order_id = await placed_order(client)
    status, body = await deliver(client, payment_event(order_id, "75.00", kind="charge.updated"))
    assert status == 200 and body["applied"] is False
    assert await order_status(client, order_id) == "awaiting_payment"


async def test_a_payment_for_an_unknown_order_is_a_404(client: TestClient) -> None:
    status, _ = await deliver(client, payment_event("no-such-order", "1.00"))
    assert status == 404


async def test_a_signed_body_that_is_not_a_payment_event_is_a_400(client: TestClient) -> None:
    status, problem = await deliver(client, b'{"id": "evt_1"}')
    assert status == 400 and problem["title"] == "Invalid payment event"


async def test_a_payment_after_cancellation_makes_the_order_refund_due(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    await client.post(f"/orders/{order['order_id']}/cancel", headers=buyer.headers)
    status, body = await deliver(client, payment_event(order["order_id"], "55.00"))
    assert status == 200 and body["status"] == "refund_due"
