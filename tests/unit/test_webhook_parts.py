"""The pure parts of webhooks: the public shape of events, signatures, backoff, destinations."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from boxoffice.eventstore import RecordedEvent
from boxoffice.webhooks.destinations import PrivateAddress, PublicResolver, check_url
from boxoffice.webhooks.dispatcher import RETRY_CAP_SECONDS, retry_delay
from boxoffice.webhooks.public_events import public_event
from boxoffice.webhooks.signing import signature


def recorded(type_: str, data: dict[str, object]) -> RecordedEvent:
    return RecordedEvent(
        event_id="e1", stream="s-1", version=1, position=7, type=type_, schema_version=1,
        data=data, metadata={"request_id": "r1"}, recorded_at=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC),
        commit_id="c1", hash="h", previous_hash="p",
    )  # fmt: skip


def test_a_registration_is_public_without_its_password_hash() -> None:
    data = {
        "user_id": "u1",
        "email": "a@example.com",
        "name": "Ada",
        "password_hash": "$2b$x",
        "role": "user",
    }
    shown = public_event(recorded("UserRegistered", data))
    assert shown["data"] == {
        "user_id": "u1",
        "email": "a@example.com",
        "name": "Ada",
        "role": "user",
    }
    assert shown == {
        "id": "e1", "position": 7, "stream": "s-1", "type": "UserRegistered",
        "data": shown["data"], "recorded_at": "2027-01-02T03:04:05.000Z",
    }  # fmt: skip


def test_a_field_nobody_listed_is_private() -> None:
    data = {
        "booking_id": "b1",
        "show_id": "s1",
        "category": "A",
        "user_id": "u1",
        "quantity": 1,
        "ticket_secret": "x",
    }
    assert "ticket_secret" not in public_event(recorded("BookingConfirmed", data))["data"]


def test_an_event_type_nobody_listed_shows_no_data() -> None:
    assert public_event(recorded("RefreshTokenIssued", {"token": "t"}))["data"] == {}


def test_the_signature_is_an_hmac_of_the_time_and_the_raw_body() -> None:
    body = b'{"id":"e1"}'
    expected = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_k", 1700000000, body) == f"t=1700000000,v1={expected}"


def test_retries_double_from_the_base_with_jitter_up_to_an_hour() -> None:
    assert [retry_delay(n, 1.0, lambda: 1.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert retry_delay(3, 1.0, lambda: 0.0) == 2.0
    assert retry_delay(20, 1.0, lambda: 1.0) == RETRY_CAP_SECONDS
    assert retry_delay(10_000, 1.0, lambda: 1.0) == RETRY_CAP_SECONDS


@pytest.mark.parametrize("url", ["http://example.com/hook", "https://example.com:8443/a?b=c"])
def test_http_and_https_urls_are_accepted(url: str) -> None:
    assert check_url(url, allow_private=False) == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "gopher://example.com/",
        "data:text/plain,x",
        "example.com/hook",
        "https://u:p@example.com/",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        check_url(url, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://localhost/",
        "http://169.254.169.254/latest",
        "http://192.168.0.1/",
    ],
)
def test_private_addresses_are_refused_only_when_the_operator_says_so(url: str) -> None:
    assert check_url(url, allow_private=True) == url
    with pytest.raises(ValueError):
        check_url(url, allow_private=False)


async def test_a_name_that_resolves_to_loopback_is_not_connected_to() -> None:
    resolver = PublicResolver()
    try:
        with pytest.raises(PrivateAddress):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()
