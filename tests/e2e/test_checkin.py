"""Check-in at the door through HTTP: every answer of POST /checkin, and the show's count."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiohttp.test_utils import TestClient

from boxoffice.domain.tickets import ORDER, ticket_id_for

from .actors import Actor, book, new_show, sign_up
from .orders import new_two_category_show, place


async def a_ticket(client: TestClient, scanner: Actor) -> tuple[Actor, str, str, dict[str, Any]]:
    """(buyer, show_id, booking_id, ticket) of a one-seat booking; ``scanner`` is an admin here."""
    buyer = await sign_up(client)
    show_id = await new_show(client, scanner)
    status, booking = await book(client, buyer, show_id)
    assert status == 201, booking
    response = await client.get(
        f"/booking/tickets/{booking['booking_id']}/tickets", headers=buyer.headers
    )
    (ticket,) = (await response.json())["items"]
    return buyer, show_id, booking["booking_id"], ticket


async def scan(client: TestClient, actor: Actor, body: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post("/checkin", json=body, headers=actor.headers)
    return response.status, await response.json()


def scan_of(ticket: dict[str, Any], **more: str) -> dict[str, Any]:
    return {"secret": ticket["secret"], "nonce": uuid.uuid4().hex, **more}


async def test_a_scanner_admits_a_valid_ticket_with_its_holder(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    scanner = await sign_up(client, scanner=True)
    _, show_id, _, ticket = await a_ticket(client, admin)

    status, body = await scan(client, scanner, scan_of(ticket, show_id=show_id))

    assert status == 200, body
    assert (body["ticket_id"], body["show_id"], body["category"]) == (
        ticket["ticket_id"],
        show_id,
        "A",
    )
    assert body["holder"] == "" and body["checked_in_at"].endswith("Z")


async def test_a_second_scan_is_409_already_checked_in_with_the_time(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    _, _, _, ticket = await a_ticket(client, admin)
    _, first = await scan(client, admin, scan_of(ticket))

    status, body = await scan(client, admin, scan_of(ticket))

    assert (status, body["reason"]) == (409, "already_checked_in")
    assert body["checked_in_at"] == first["checked_in_at"]
    assert body["type"] == "https://boxoffice.example/problems/check-in-refused"


async def test_two_gates_scanning_one_ticket_at_once_admit_it_exactly_once(
    client: TestClient,
) -> None:
    admin = await sign_up(client, admin=True)
    gate_1, gate_2 = await sign_up(client, scanner=True), await sign_up(client, scanner=True)
    _, _, _, ticket = await a_ticket(client, admin)

    answers = await asyncio.gather(
        scan(client, gate_1, scan_of(ticket)), scan(client, gate_2, scan_of(ticket))
    )

    assert sorted(status for status, _ in answers) == [200, 409]
    (refused,) = [body for status, body in answers if status == 409]
    assert refused["reason"] == "already_checked_in"


async def test_a_retried_scan_with_the_same_nonce_gets_the_same_200(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    _, _, _, ticket = await a_ticket(client, admin)
    body = scan_of(ticket)

    first = await scan(client, admin, body)
    again = await scan(client, admin, body)

    assert first[0] == again[0] == 200
    assert first[1] == again[1]


async def test_a_ticket_of_a_cancelled_booking_is_409_revoked(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    buyer, _, booking_id, ticket = await a_ticket(client, admin)
    response = await client.post(
        "/booking/tickets/cancel", json={"booking_id": booking_id}, headers=buyer.headers
    )
    assert response.status == 200

    await revoked(client, buyer, booking_id)

    status, body = await scan(client, admin, scan_of(ticket))

    assert (status, body["reason"]) == (409, "revoked")


async def revoked(client: TestClient, buyer: Actor, booking_id: str) -> None:
    """Once the ticket issuer has followed the booking's cancellation."""
    async with asyncio.timeout(10):
        while True:
            response = await client.get(
                f"/booking/tickets/{booking_id}/tickets", headers=buyer.headers
            )
            if {t["status"] for t in (await response.json())["items"]} == {"revoked"}:
                return
            await asyncio.sleep(0.05)


async def test_a_scanner_at_another_show_gets_409_wrong_show(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    _, _, _, ticket = await a_ticket(client, admin)
    other_show = await new_show(client, admin)

    status, body = await scan(client, admin, scan_of(ticket, show_id=other_show))

    assert (status, body["reason"]) == (409, "wrong_show")


async def test_a_ticket_of_a_paid_order_cancelled_into_refund_due_is_409_unpaid(
    client: TestClient,
) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_two_category_show(client, admin)
    _, order = await place(client, buyer, show_id, {"A": 1})
    order_id = order["order_id"]
    await client.post(f"/orders/{order_id}/mark-paid", headers=admin.headers)
    ticket = await order_ticket(client, buyer, order_id)
    cancelled = await client.post(f"/orders/{order_id}/cancel", headers=buyer.headers)
    assert (await cancelled.json())["status"] == "refund_due"
    await order_ticket(client, buyer, order_id, "revoked")

    status, body = await scan(client, admin, scan_of(ticket))

    assert (status, body["reason"]) == (409, "unpaid")
    assert ticket["ticket_id"] == ticket_id_for(ORDER, order_id, 0)


async def order_ticket(
    client: TestClient, buyer: Actor, order_id: str, status: str = "valid"
) -> dict[str, Any]:
    """The order's one ticket, once the issuer has followed the order to this ``status``."""
    async with asyncio.timeout(10):
        while True:
            response = await client.get(f"/orders/{order_id}/tickets", headers=buyer.headers)
            items = (await response.json()).get("items", [])
            if response.status == 200 and items[0]["status"] == status:
                (ticket,) = items
                return ticket  # type: ignore[no-any-return]
            await asyncio.sleep(0.05)


async def test_an_unknown_secret_is_404(client: TestClient) -> None:
    scanner = await sign_up(client, scanner=True)
    status, _ = await scan(client, scanner, {"secret": "no-such-secret", "nonce": "n1"})
    assert status == 404


async def test_a_customer_may_not_scan(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    buyer, _, _, ticket = await a_ticket(client, admin)
    status, _ = await scan(client, buyer, scan_of(ticket))
    assert status == 403


async def test_scanning_without_a_token_is_401(client: TestClient) -> None:
    response = await client.post("/checkin", json={"secret": "s", "nonce": "n"})
    assert response.status == 401


async def test_a_malformed_scan_is_422(client: TestClient) -> None:
    scanner = await sign_up(client, scanner=True)
    status, body = await scan(client, scanner, {"secret": "s"})
    assert status == 422
    assert [error["field"] for error in body["errors"]] == ["nonce"]


async def test_a_show_counts_its_tickets_issued_and_checked_in(client: TestClient) -> None:
    admin = await sign_up(client, admin=True)
    scanner = await sign_up(client, scanner=True)
    buyer, show_id, _, ticket = await a_ticket(client, admin)
    status, booking = await book(client, buyer, show_id, quantity=2)
    assert status == 201
    await client.get(f"/booking/tickets/{booking['booking_id']}/tickets", headers=buyer.headers)
    await scan(client, scanner, scan_of(ticket))

    async with asyncio.timeout(10):
        while True:
            response = await client.get(f"/shows/{show_id}/checkins", headers=scanner.headers)
            counts = await response.json()
            if counts["checked_in"] == 1:
                break
            await asyncio.sleep(0.05)
    assert counts == {
        "show_id": show_id,
        "checked_in": 1,
        "issued": 3,
        "categories": [{"category": "A", "checked_in": 1, "issued": 3}],
    }
    by_customer = await client.get(f"/shows/{show_id}/checkins", headers=buyer.headers)
    assert by_customer.status == 403
