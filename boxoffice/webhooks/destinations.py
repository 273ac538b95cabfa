"""Where a webhook may point: http(s) URLs, and optionally only public addresses.

The dispatcher makes outbound requests to admin-supplied URLs. With
``allow_private`` off, a URL naming a loopback, private, link-local or otherwise
non-public address is refused when the subscription is created, and a host name
is checked again at every connection (``PublicResolver``), so a name that later
resolves inside the network (DNS rebinding) is not reached either.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

MAX_URL_LENGTH = 2000


class PrivateAddress(OSError):
    """The destination is not a public address, and private ones are not allowed."""


def is_public(address: str) -> bool:
    return ipaddress.ip_address(address).is_global


def check_url(text: str, *, allow_private: bool) -> str:
    """``text`` if it is a usable webhook URL, else ValueError saying why."""
    try:
        url = URL(text)
    except (ValueError, TypeError):
        raise ValueError("must be an absolute http or https URL") from None
    if url.scheme not in ("http", "https") or not url.host or not url.is_absolute():
        raise ValueError("must be an absolute http or https URL")
    if url.user is not None or url.password is not None:
        raise ValueError("must not carry credentials: it is listed back to every admin")
    if url.fragment:
        raise ValueError("must not have a fragment")
    if not allow_private and not _may_be_public(url.host):
        raise ValueError("must not point at a loopback, private or link-local address")
    return text


def _may_be_public(host: str) -> bool:
    """A literal address must be public; a name is checked when it is resolved."""
    if host.rstrip(".").lower() == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return is_public(host.strip("[]"))
    except ValueError:
        return True


class PublicResolver(AbstractResolver):
    """Resolves like aiohttp's default resolver, and refuses names with a non-public address."""

    def __init__(self) -> None:
        self._resolver = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._resolver.resolve(host, port, family)
        if not all(is_public(result["host"]) for result in results):
            raise PrivateAddress(f"{host} resolves to a non-public address")
        return results

    async def close(self) -> None:
        await self._resolver.close()
