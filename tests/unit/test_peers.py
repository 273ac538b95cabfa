from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from boxoffice.http.peers import TrustedProxies


class Transport:
    """Just enough of an asyncio transport to name the socket peer."""

    def __init__(self, peer: Any) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.peer if name == "peername" else default


def address(peer: Any, forwarded: list[str], trusted: tuple[str, ...] = ()) -> str:
    headers = CIMultiDict(("X-Forwarded-For", value) for value in forwarded)
    request = make_mocked_request("GET", "/", headers=headers, transport=Transport(peer))
    return TrustedProxies(trusted).client_address(request)


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert address(("192.0.2.1", 5000), ["203.0.113.9"]) == "192.0.2.1"


def test_an_untrusted_peer_is_the_client_even_if_others_are_trusted() -> None:
    assert address(("192.0.2.1", 5000), ["203.0.113.9"], ("10.0.0.0/8",)) == "192.0.2.1"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        (["203.0.113.9"], "203.0.113.9"),
        (["1.1.1.1, 203.0.113.9"], "203.0.113.9"),
        (["1.1.1.1, 203.0.113.9, 10.0.0.2"], "203.0.113.9"),
        (["1.1.1.1", "203.0.113.9, 10.0.0.2"], "203.0.113.9"),
        (["10.0.0.3, 10.0.0.2"], "10.0.0.3"),
        (["not-an-ip, 10.0.0.2"], "10.0.0.2"),
        ([], "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_rightmost_untrusted_entry_is_the_client(
    forwarded: list[str], client: str
) -> None:
    assert address(("10.0.0.1", 5000), forwarded, ("10.0.0.0/8",)) == client


def test_an_ipv4_mapped_peer_is_its_ipv4_address() -> None:
    assert address(("::ffff:192.0.2.1", 5000, 0, 0), []) == "192.0.2.1"


def test_a_peer_without_an_address_is_unknown() -> None:
    assert address("", []) == "unknown"
