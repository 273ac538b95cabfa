"""``boxoffice audit`` over tickets sold, scanned and revoked through HTTP."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient

from boxoffice.domain.streams import ticket_stream
from boxoffice.eventstore import NewEvent
from boxoffice.http import keys
from boxoffice.settings import Settings
from tests.audit_history import boxoffice

from .actors import book, new_show, sign_up


async def audit(settings: Settings, mongo_uri: str) -> tuple[int, str]:
    result = await boxoffice(
        mongo_uri, settings.db_name, "--data-dir", str(settings.data_dir), "audit"
    )
    return result.exit_code, result.stdout


async def a_checked_in_ticket(client: TestClient) -> str:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin)
    _, booking = await book(client, buyer, show_id, quantity=2)
    response = await client.get(
        f"/booking/tickets/{booking['booking_id']}/tickets", headers=buyer.headers
    )
    ticket = (await response.json())["items"][0]
    scanned = await client.post(
        "/checkin", json={"secret": ticket["secret"], "nonce": "n1"}, headers=admin.headers
    )
    assert scanned.status == 200
    return str(ticket["ticket_id"])


async def test_the_audit_passes_a_log_of_tickets_issued_and_checked_in(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    await a_checked_in_ticket(client)

    exit_code, out = await audit(settings, mongo_uri)

    assert exit_code == 0, out
    assert "tickets: 2" in out and "audit passed" in out


async def test_replay_prints_one_tickets_events_with_the_secret_redacted(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    ticket_id = await a_checked_in_ticket(client)

    result = await boxoffice(mongo_uri, settings.db_name, "replay", "--ticket", ticket_id)

    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [event["type"] for event in printed] == ["TicketIssued", "TicketCheckedIn"]
    assert printed[0]["data"]["secret"] == "[redacted]"


async def test_the_audit_catches_a_ticket_admitted_twice(
    client: TestClient, settings: Settings, mongo_uri: str
) -> None:
    ticket_id = await a_checked_in_ticket(client)
    store = client.app[keys.EVENT_STORE]
    (_, checked_in) = await store.read_stream(ticket_stream(ticket_id))
    forged = NewEvent("TicketCheckedIn", {**checked_in.data, "nonce": "forged"})
    await store.append(ticket_stream(ticket_id), [forged], checked_in.version)

    exit_code, out = await audit(settings, mongo_uri)

    assert exit_code == 1
    assert f"ticket_admitted_twice at position {checked_in.position}," in out
