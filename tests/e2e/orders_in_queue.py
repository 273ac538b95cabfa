"""Orders placed and paid through a show's booking queue, for tests written before `/orders`."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from boxoffice.commands.booking_queue import BookingQueues, OrderDecided
from boxoffice.domain.inventory import OrderLine
from boxoffice.domain.orders import ApplyPayment, PlaceOrder
from boxoffice.http import keys


async def queued(client: TestClient, show_id: str, command: PlaceOrder | ApplyPayment) -> int:
    """Decide one order command in its show's queue; the position it became durable at."""
    queues = BookingQueues(client.app[keys.EVENT_STORE], batch_max=10)
    try:
        decided = await queues.submit(show_id, command).reply
    finally:
        await queues.close()
    assert isinstance(decided, OrderDecided)
    await client.app[keys.PROJECTIONS].wait_for(decided.position, 5)
    return decided.position


async def place_order(
    client: TestClient,
    show_id: str,
    order_id: str,
    user_id: str,
    quantity: int,
    category: str = "A",
) -> int:
    line = OrderLine(category, quantity, "55.00", "EUR")
    return await queued(client, show_id, PlaceOrder(order_id, show_id, user_id, (line,), 600))


async def pay_order(client: TestClient, show_id: str, order_id: str, amount: str) -> int:
    payment = ApplyPayment(
        order_id, True, amount, "EUR", f"pay-{order_id}", f"evt-{order_id}", "test"
    )
    return await queued(client, show_id, payment)
