"""Real failures for real processes: `boxoffice serve` spawned, killed, restarted; buyers over HTTP.

Every process a test starts is killed in a ``finally`` (its whole process group),
and every HTTP request carries a client timeout, so a hang shows up as a failed
bound, never as a stuck suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from boxoffice.commands.users import grant_admin
from boxoffice.domain.streams import inventory_stream
from boxoffice.embedded import ADDRESS_FILE, free_port
from boxoffice.eventstore import MongoEventStore
from tests.e2e.conftest import TEST_SECRET
from tests.e2e.test_cli_serve import alive

PASSWORD = "correct horse battery"
REQUEST_BOUND_SECONDS = (
    15.0  # "never hangs": far above any healthy answer, far below the suite timeout
)
DEFINITIVE = (201, 409)


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOXOFFICE_", "MONGODB"))}
    env.update(
        BOXOFFICE_DATA_DIR=str(data_dir),
        BOXOFFICE_ENV="test",
        BOXOFFICE_JWT_SECRET=TEST_SECRET,
        BOXOFFICE_BCRYPT_ROUNDS="4",
        BOXOFFICE_REGISTER_RATE="100000/minute",
        BOXOFFICE_LOGIN_RATE="100000/minute",
        BOXOFFICE_BOOKING_RATE="100000/minute",
        **extra,
    )
    return env


@dataclass
class Server:
    """One `boxoffice serve` process; ``start`` again after a kill reuses port and environment."""

    cwd: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return Path(self.env["BOXOFFICE_DATA_DIR"])

    def start(self) -> None:
        self.starts += 1
        with (self.cwd / f"serve{self.starts}.log").open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "boxoffice", "serve", "--port", str(self.port)],
                cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until(lambda: answers_health(self.base), within=30, what="/health")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.signal(signal.SIGKILL)
            self.process.wait()

    def store_pid(self) -> int:
        return int(json.loads((self.data_dir / ADDRESS_FILE).read_text())["pid"])

    def store_uri(self) -> str:
        return str(json.loads((self.data_dir / ADDRESS_FILE).read_text())["uri"])

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.cwd.glob("serve*.log")))


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    """Servers a test starts; killed (with any embedded store they own) however the test ends."""
    started: list[Server] = []
    try:
        yield started
    finally:
        store_pids = []
        for server in started:
            with contextlib.suppress(OSError, ValueError, KeyError):
                store_pids.append(server.store_pid())
            server.kill()
        for pid in store_pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def start_on_test_store(
    tmp_path: Path, servers: list[Server], mongo_uri: str, db_name: str, **extra: str
) -> Server:
    """Start `boxoffice serve` on the session's store, in this test's database, with ``extra``
    settings; the ``servers`` fixture kills it however the test ends."""
    env = server_env(tmp_path / "data", MONGODB_URI=mongo_uri, BOXOFFICE_DB_NAME=db_name, **extra)
    server = Server(tmp_path, env)
    servers.append(server)
    server.start()
    return server


@pytest.fixture
def server_on_test_store(
    tmp_path: Path, servers: list[Server], mongo_uri: str, db_name: str
) -> Server:
    """A started `boxoffice serve` on the session's store, in this test's database."""
    return start_on_test_store(tmp_path, servers, mongo_uri, db_name)


def answers_health(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_until(check: Any, within: float, what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {within}s")


def wait_gone(pid: int, within: float) -> None:
    wait_until(lambda: not alive(pid), within, f"process {pid} still alive")


@dataclass
class Attempt:
    """One booking request and what came of it (status None: no answer at all)."""

    buyer: Buyer
    key: str
    quantity: int
    status: int | None = None
    booking_id: str | None = None
    seconds: float = 0.0

    @property
    def decided(self) -> bool:
        """201 or 409 for this booking (a 409 "request in progress" has no booking id)."""
        return self.status in DEFINITIVE and self.booking_id is not None


@dataclass(frozen=True)
class Buyer:
    user_id: str
    email: str
    headers: dict[str, str]


class Sale:
    """An on-sale over HTTP: an admin, a show with one category, buyers with tokens."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.show_id = ""
        self.capacity = 0
        self.buyers: list[Buyer] = []
        self.attempts: list[Attempt] = []

    async def sign_up(self) -> Buyer:
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        credentials = {"email": email, "password": PASSWORD}
        async with self.session.post(f"{self.base}/auth/register", json=credentials) as r:
            assert r.status == 201, await r.text()
            user_id = (await r.json())["user_id"]
        async with self.session.post(f"{self.base}/auth/login", json=credentials) as r:
            assert r.status == 200, await r.text()
            token = (await r.json())["access_token"]
        return Buyer(user_id, email, {"Authorization": f"Bearer {token}"})

    async def open(self, store: MongoEventStore, capacity: int, buyers: int) -> None:
        admin = await self.sign_up()
        await grant_admin(store, admin.email)
        admin = await self.log_in(admin)
        show = {
            "title": "On sale", "venue": "Arena", "starts_at": "2027-06-01T20:00:00Z",
            "categories": [{"code": "A", "name": "Floor", "price": "30", "currency": "EUR", "capacity": capacity}],
        }  # fmt: skip
        async with self.session.post(f"{self.base}/shows", json=show, headers=admin.headers) as r:
            assert r.status == 201, await r.text()
            self.show_id = (await r.json())["show_id"]
        self.capacity = capacity
        self.buyers = list(await asyncio.gather(*(self.sign_up() for _ in range(buyers))))

    async def log_in(self, buyer: Buyer) -> Buyer:
        """A fresh token (an admin's role is in the token it gets after the grant)."""
        credentials = {"email": buyer.email, "password": PASSWORD}
        async with self.session.post(f"{self.base}/auth/login", json=credentials) as r:
            token = (await r.json())["access_token"]
        return Buyer(buyer.user_id, buyer.email, {"Authorization": f"Bearer {token}"})

    async def book(self, attempt: Attempt) -> Attempt:
        """Send (or resend, same key) one booking; record the answer, or None for no answer."""
        headers = {**attempt.buyer.headers, "Idempotency-Key": attempt.key}
        body = {"show_id": self.show_id, "category": "A", "quantity": attempt.quantity}
        started = time.monotonic()
        attempt.status = attempt.booking_id = None
        try:
            async with self.session.post(
                f"{self.base}/booking/tickets/book",
                json=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=REQUEST_BOUND_SECONDS),
            ) as r:
                payload = await r.json(content_type=None)
                attempt.status = r.status
                attempt.booking_id = payload.get("booking_id")
                if r.status == 503:
                    assert r.headers.get("Retry-After"), "503 without Retry-After"
        except (aiohttp.ClientError, TimeoutError):
            pass
        attempt.seconds = time.monotonic() - started
        return attempt

    async def keep_buying(
        self, buyer: Buyer, stop: asyncio.Event, quantities: Iterator[int]
    ) -> None:
        """One buyer: book again and again, a new Idempotency-Key per request, until told to stop."""
        while not stop.is_set():
            attempt = Attempt(buyer, uuid.uuid4().hex, next(quantities))
            self.attempts.append(attempt)
            await self.book(attempt)
            if attempt.status is None or attempt.status == 503:
                await asyncio.sleep(0.2)

    def seats_answered_201(self) -> int:
        return sum(a.quantity for a in self.attempts if a.status == 201)

    def undecided(self) -> list[Attempt]:
        return [a for a in self.attempts if not a.decided]

    async def retry_until_decided(self, attempts: list[Attempt], within: float) -> None:
        """Resend each undecided request with its SAME key until it gets 201 or 409."""
        deadline = time.monotonic() + within
        pending = list(attempts)
        while pending and time.monotonic() < deadline:
            await asyncio.gather(*(self.book(a) for a in pending))
            for attempt in pending:
                assert attempt.seconds < REQUEST_BOUND_SECONDS, f"retry hung {attempt.seconds:.1f}s"
            pending = [a for a in pending if not a.decided]
            if pending:
                await asyncio.sleep(0.3)
        assert not pending, f"{len(pending)} retries never got a definitive answer"

    async def status_of(self, attempt: Attempt) -> str:
        url = f"{self.base}/booking/tickets/status"
        params = {"booking_id": str(attempt.booking_id)}
        async with self.session.get(url, params=params, headers=attempt.buyer.headers) as r:
            assert r.status == 200, await r.text()
            return str((await r.json())["status"])

    async def available(self) -> int:
        async with self.session.get(f"{self.base}/shows/{self.show_id}") as r:
            show = await r.json()
        return int(next(c for c in show["categories"] if c["code"] == "A")["available"])


async def available_becomes(sale: Sale, expected: int) -> None:
    while await sale.available() != expected:  # noqa: ASYNC110 - another process's read model
        await asyncio.sleep(0.1)


@dataclass
class LogView:
    """The inventory stream, per booking: every event type recorded for it, and the seats held."""

    events_by_booking: dict[str, list[str]]
    quantities: dict[str, int]
    owners: dict[str, str]

    @classmethod
    async def read(cls, store: MongoEventStore, show_id: str) -> LogView:
        by_booking: dict[str, list[str]] = defaultdict(list)
        quantities: dict[str, int] = {}
        owners: dict[str, str] = {}
        for event in await store.read_stream(inventory_stream(show_id)):
            if "booking_id" in event.data:
                booking_id = event.data["booking_id"]
                by_booking[booking_id].append(event.type)
                quantities[booking_id] = event.data["quantity"]
                owners[booking_id] = event.data["user_id"]
        return cls(dict(by_booking), quantities, owners)

    def status(self, booking_id: str) -> str | None:
        types = self.events_by_booking.get(booking_id, [])
        for kind, status in (("Cancelled", "cancelled"), ("Confirmed", "confirmed")):
            if f"Booking{kind}" in types:
                return status
        return "rejected" if "BookingRejected" in types else None

    def seats_confirmed(self) -> int:
        return sum(
            self.quantities[b] for b in self.events_by_booking if self.status(b) == "confirmed"
        )

    def requested_twice(self) -> list[str]:
        return [
            b for b, types in self.events_by_booking.items() if types.count("BookingRequested") > 1
        ]


def audit(server: Server, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`boxoffice audit` as an operator runs it, on the server's store."""
    return subprocess.run(
        [sys.executable, "-m", "boxoffice", "audit"],
        cwd=server.cwd, env=env or server.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
