"""Placing orders and signing payment events in tests, as a client and a provider would."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.http import keys
from boxoffice.webhooks.signing import HEADER, signature

from .actors import Actor, show_body


def two_category_show(a: int = 10, b: int = 10, **overrides: Any) -> dict[str, Any]:
    body = show_body(capacity=a, **overrides)
    body["categories"].append(
        {"code": "B", "name": "Circle", "price": "20.00", "currency": "EUR", "capacity": b}
    )
    return body


async def new_two_category_show(client: TestClient, admin: Actor, **kwargs: Any) -> str:
    response = await client.post("/shows", json=two_category_show(**kwargs), headers=admin.headers)
    assert response.status == 201, await response.text()
    return str((await response.json())["show_id"])


async def place(
    client: TestClient,
    actor: Actor,
    show_id: str,
    items: dict[str, int],
    key: str | None = None,
) -> tuple[int, dict[str, Any]]:
    headers = dict(actor.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"show_id": show_id, "items": [{"category": c, "quantity": q} for c, q in items.items()]}
    response = await client.post("/orders", json=body, headers=headers)
    return response.status, await response.json()


def payment_event(
    order_id: str,
    amount: str,
    *,
    currency: str = "EUR",
    kind: str = "payment.succeeded",
    event_id: str | None = None,
) -> bytes:
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": kind,
        "data": {
            "order_id": order_id,
            "amount": amount,
            "currency": currency,
            "payment_id": f"pay_{uuid.uuid4().hex[:12]}",
        },
    }
    return json.dumps(event).encode()


async def deliver(
    client: TestClient, body: bytes, *, at: int | None = None, secret: str | None = None
) -> tuple[int, dict[str, Any]]:
    """Deliver a payment event signed as the provider signs it."""
    secret = secret or client.app[keys.PAYMENT_WEBHOOK_SECRET]
    header = signature(secret, at or int(time.time()), body)
    response = await client.post(
        "/payments/webhook",
        data=body,
        headers={HEADER: header, "Content-Type": "application/json"},
    )
    return response.status, await response.json()
