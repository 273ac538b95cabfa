"""Holds run out: every process sweeps, each order expires once, a late payment still counts."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp.test_utils import TestClient

from boxoffice.domain.streams import inventory_stream
from boxoffice.http import keys
from boxoffice.http.app import create_app
from boxoffice.settings import Settings

from .actors import sign_up
from .orders import deliver, new_two_category_show, payment_event, place

HOLD_SECONDS = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"hold_seconds": HOLD_SECONDS, "hold_sweep_seconds": 0.2})


async def wait_for_status(
    client: TestClient, headers: dict[str, str], order_id: str, want: str
) -> float:
    """Seconds until the order reads ``want``; fails after the hold plus five seconds."""
    started = time.monotonic()
    while time.monotonic() - started < HOLD_SECONDS + 5:
        response = await client.get(f"/orders/{order_id}", headers=headers)
        if (await response.json())["status"] == want:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    raise AssertionError(f"order {order_id} never became {want}")


async def test_an_unpaid_order_expires_after_its_hold_and_its_seats_return(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 3})
    waited = await wait_for_status(client, buyer.headers, order["order_id"], "expired")
    assert HOLD_SECONDS - 1 <= waited <= HOLD_SECONDS + 3
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert show["categories"][0]["available"] == 10


async def test_two_processes_sweeping_expire_each_order_once(
    client: TestClient,
    aiohttp_client,
    settings: Settings,
    mongo_uri: str,  # type: ignore[no-untyped-def]
) -> None:
    other_process = await aiohttp_client(create_app(settings, mongo_uri))
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    orders = [(await place(client, buyer, show_id, {"A": 1}))[1] for _ in range(4)]
    orders += [(await place(other_process, buyer, show_id, {"B": 1}))[1] for _ in range(4)]
    for order in orders:
        await wait_for_status(client, buyer.headers, order["order_id"], "expired")
    await asyncio.sleep(1)  # both sweepers run a few more times
    events = await client.app[keys.EVENT_STORE].read_stream(inventory_stream(show_id))
    expired = [e.data["order_id"] for e in events if e.type == "OrderExpired"]
    assert sorted(expired) == sorted(order["order_id"] for order in orders)


async def test_a_payment_after_expiry_holds_the_seats_again(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 2})
    await wait_for_status(client, buyer.headers, order["order_id"], "expired")
    status, body = await deliver(client, payment_event(order["order_id"], "110.00"))
    assert status == 200 and body["status"] == "paid"
    show = await (await client.get(f"/shows/{show_id}")).json()
    assert show["categories"][0]["available"] == 8


async def test_a_payment_after_expiry_whose_seats_were_sold_is_refund_due(
    client: TestClient,
) -> None:
    admin, buyer, rival = (
        await sign_up(client, admin=True),
        await sign_up(client),
        await sign_up(client),
    )
    show_id = await new_two_category_show(client, admin, a=2)
    _, order = await place(client, buyer, show_id, {"A": 2})
    await wait_for_status(client, buyer.headers, order["order_id"], "expired")
    assert (await place(client, rival, show_id, {"A": 2}))[0] == 201
    status, body = await deliver(client, payment_event(order["order_id"], "110.00"))
    assert status == 200 and body["status"] == "refund_due"
