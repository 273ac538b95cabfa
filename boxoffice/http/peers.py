"""The client's address: the socket peer, or what trusted proxies say it is.

``X-Forwarded-For`` is written by the client unless a proxy we trust rewrote
it, so it is only read when the peer is a trusted proxy, and then from the
right: the first entry not added by a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from aiohttp import web

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
UNKNOWN = "unknown"


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    def __init__(self, networks: Iterable[str]) -> None:
        """``networks``: addresses or CIDR ranges, e.g. ``10.0.0.0/8``."""
        self._networks = tuple(ipaddress.ip_network(n, strict=False) for n in networks)

    def _trusted(self, address: IPAddress) -> bool:
        return any(address in network for network in self._networks)

    def client_address(self, request: web.Request) -> str:
        peername = request.transport.get_extra_info("peername") if request.transport else None
        peer = _address(peername[0]) if isinstance(peername, tuple) else None
        if peer is None:
            return UNKNOWN
        hop = peer
        forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
        entries = reversed([e for e in forwarded.split(",") if e.strip()])
        for entry in entries:
            if not self._trusted(hop):
                break
            previous = _address(entry)
            if previous is None:
                break
            hop = previous
        return str(hop)
