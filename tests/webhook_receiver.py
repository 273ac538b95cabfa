"""A real webhook receiver on loopback: it records every POST and answers what a test scripts."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Delivery:
    body: bytes
    signature: str
    status: int

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]

    def signed_with(self, secret: str, tolerance: float = 300) -> bool:
        """The check a receiver makes, as the README shows it."""
        fields = dict(part.split("=", 1) for part in self.signature.split(","))
        signed = f"{fields['t']}.".encode() + self.body
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(fields["t"])) <= tolerance
        return hmac.compare_digest(fields["v1"], expected) and fresh


@dataclass
class Receiver:
    """Answers ``scripted`` statuses first, then 200, after ``delay`` seconds each."""

    scripted: list[int] = field(default_factory=list)
    delay: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            status = self.scripted.pop(0) if self.scripted else 200
            signature = request.headers.get("Boxoffice-Signature", "")
            self.deliveries.append(Delivery(body, signature, status))
            return web.Response(status=status)
        finally:
            self.in_flight -= 1

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        return app

    def acknowledged(self) -> list[dict[str, Any]]:
        return [d.payload for d in self.deliveries if 200 <= d.status < 300]

    def first_acknowledged(self) -> list[dict[str, Any]]:
        """Each event once, in the order it was first acknowledged."""
        seen: dict[str, dict[str, Any]] = {}
        for payload in self.acknowledged():
            seen.setdefault(payload["id"], payload)
        return list(seen.values())

    async def wait_for(self, count: int, within: float = 20.0) -> list[dict[str, Any]]:
        """The first acknowledged deliveries once there are ``count`` distinct events."""
        deadline = time.monotonic() + within
        while len(self.first_acknowledged()) < count:
            assert time.monotonic() < deadline, (
                f"{len(self.first_acknowledged())} of {count} events delivered"
            )
            await asyncio.sleep(0.05)
        return self.first_acknowledged()
