"""The buyers' side of the on-sale benchmark: accounts, shows, and one measured round."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field

import aiohttp

from .measure import Round, measure
from .processes import Processes, grant_admin

PASSWORD = "benchmark password"
MODES = ("ours", "baseline", "ceiling", "orders")
PATHS = {
    "ours": "/booking/tickets/book",
    "baseline": "/bench/baseline/book",
    "ceiling": "/bench/ceiling/book",
    "orders": "/orders",
}
DECIDED = {"confirmed": 201, "awaiting_payment": 201}
"""Statuses a 202 can settle in that count as a seat taken: booked, or held by an order."""
SHOWS_OPENED_AT_ONCE = 8
SETTLE_SECONDS = 5.0
ANSWER_SECONDS = 60.0  # a buyer gives up on a request then; its round counts it unanswered


@dataclass(frozen=True)
class Stack:
    """The servers a round books through, signed-in accounts, and the processes to measure."""

    session: aiohttp.ClientSession
    bases: list[str]
    admin: dict[str, str]
    buyers: list[dict[str, str]]
    processes: Processes
    with_keys: bool


def split(seats: int, shows: int) -> list[int]:
    """Capacities of `shows` shows holding `seats` between them, as even as can be."""
    return [seats // shows + (index < seats % shows) for index in range(shows)]


class Sale:
    """What a round's buyers may still ask for: shows not seen sold out, or the ceiling's budget."""

    def __init__(self, show_ids: list[str], budget: int | None = None) -> None:
        self.open = list(show_ids)
        self.budget = budget

    def pick(self) -> str | None:
        if self.budget is not None:
            self.budget -= 1
            return self.open[0] if self.budget >= 0 else None
        return random.choice(self.open) if self.open else None

    def sold_out(self, show_id: str) -> None:
        if show_id in self.open:
            self.open.remove(show_id)


async def wait_until_up(session: aiohttp.ClientSession, base: str) -> None:
    for _ in range(600):
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"{base}/health") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not come up")


async def register(session: aiohttp.ClientSession, base: str) -> str:
    email = f"{uuid.uuid4().hex[:12]}@bench.example"
    async with session.post(
        f"{base}/auth/register", json={"email": email, "password": PASSWORD}
    ) as r:
        assert r.status == 201, await r.text()
    return email


async def login(session: aiohttp.ClientSession, base: str, email: str) -> dict[str, str]:
    async with session.post(f"{base}/auth/login", json={"email": email, "password": PASSWORD}) as r:
        return {"Authorization": f"Bearer {(await r.json())['access_token']}"}


async def sign_in(
    session: aiohttp.ClientSession, bases: list[str], store_uri: str, db_name: str, buyers: int
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """An admin's headers and `buyers` buyers' headers, once the servers answer."""
    for base in bases:
        await wait_until_up(session, base)
    admin_email = await register(session, bases[0])
    await asyncio.to_thread(grant_admin, store_uri, db_name, admin_email)
    emails = await asyncio.gather(*(register(session, bases[0]) for _ in range(buyers)))
    return await login(session, bases[0], admin_email), [
        await login(session, bases[0], email) for email in emails
    ]


async def open_show(stack: Stack, seats: int, gate: asyncio.Semaphore) -> str:
    show = {
        "title": "On-sale", "venue": "Arena", "starts_at": "2027-06-01T20:00:00Z",
        "categories": [{"code": "A", "name": "Floor", "price": "80.00", "currency": "EUR", "capacity": seats}],
    }  # fmt: skip
    async with (
        gate,
        stack.session.post(f"{stack.bases[0]}/shows", json=show, headers=stack.admin) as r,
    ):
        assert r.status == 201, await r.text()
        return str((await r.json())["show_id"])


async def open_shows(stack: Stack, mode: str, capacities: list[int]) -> list[str]:
    """Shows (category A) with these capacities, for the mode; the ceiling needs none."""
    if mode == "ceiling":
        return [uuid.uuid4().hex]
    if mode == "baseline":
        async with stack.session.post(
            f"{stack.bases[0]}/bench/baseline/inventory",
            json={"capacities": capacities},
            headers=stack.admin,
        ) as r:
            return [str(show_id) for show_id in (await r.json())["show_ids"]]
    gate = asyncio.Semaphore(SHOWS_OPENED_AT_ONCE)
    return list(await asyncio.gather(*(open_show(stack, seats, gate) for seats in capacities)))


async def decision_of(
    session: aiohttp.ClientSession, base: str, status_url: str, headers: dict[str, str]
) -> int:
    """Follow a 202 (pending) to its decision, as a client would: 201 confirmed or 409 rejected."""
    while True:
        await asyncio.sleep(0.05)
        async with session.get(f"{base}{status_url}", headers=headers) as response:
            booking = await response.json()
        if booking["status"] != "pending":
            return DECIDED.get(booking["status"], 409)


async def book(stack: Stack, base: str, mode: str, show_id: str, headers: dict[str, str]) -> int:
    """One seat (an order of one seat, in the orders mode), each request with its own
    Idempotency-Key unless the run sends none."""
    if stack.with_keys:
        headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    body: dict[str, object] = {"show_id": show_id, "category": "A", "quantity": 1}
    if mode == "orders":
        body = {"show_id": show_id, "items": [{"category": "A", "quantity": 1}]}
    async with stack.session.post(f"{base}{PATHS[mode]}", json=body, headers=headers) as response:
        status, answer = response.status, await response.json()
    if status == 202:
        return await decision_of(stack.session, base, answer["status_url"], headers)
    return status


def client_session(buyers: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=ANSWER_SECONDS),
        connector=aiohttp.TCPConnector(limit=buyers * 2),
    )


async def answer(
    stack: Stack, base: str, mode: str, show_id: str, headers: dict[str, str]
) -> int | None:
    """The booking's final status, or None if the server did not answer in time."""
    try:
        return await book(stack, base, mode, show_id, headers)
    except TimeoutError:
        return None


@dataclass
class Tally:
    confirmed: int = 0
    unanswered: int = 0
    latencies: list[float] = field(default_factory=list)


async def buyer(stack: Stack, index: int, mode: str, sale: Sale, tally: Tally) -> None:
    """Books a random show still on sale until none is; a 409 marks its show sold out."""
    base = stack.bases[index % len(stack.bases)]
    while (show_id := sale.pick()) is not None:
        started = time.perf_counter()
        status = await answer(stack, base, mode, show_id, stack.buyers[index])
        tally.latencies.append(time.perf_counter() - started)
        if status == 201:
            tally.confirmed += 1
        elif status == 409:
            sale.sold_out(show_id)
        elif status is None:
            tally.unanswered += 1
        else:
            raise RuntimeError(f"{mode}: unexpected {status}")


async def available(stack: Stack, show_id: str) -> int:
    async with stack.session.get(f"{stack.bases[0]}/shows/{show_id}") as response:
        return int((await response.json())["categories"][0]["available"])


async def shows_not_at_zero(stack: Stack, show_ids: list[str]) -> int:
    """Shows whose read model still shows seats (or fewer than none), after a short settle."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        left = await asyncio.gather(*(available(stack, show_id) for show_id in show_ids))
        off = sum(seats != 0 for seats in left)
        if off == 0 or time.monotonic() > deadline:
            return off
        await asyncio.sleep(0.2)


async def run_round(stack: Stack, mode: str, capacities: list[int]) -> Round:
    """Buyers book one seat at a time until every show is sold out (the ceiling: `seats` times)."""
    seats = sum(capacities)
    show_ids = await open_shows(stack, mode, capacities)
    sale = Sale(show_ids, budget=seats if mode == "ceiling" else None)
    tally = Tally()

    def buyers() -> Awaitable[object]:
        return asyncio.gather(
            *(buyer(stack, i, mode, sale, tally) for i in range(len(stack.buyers)))
        )

    usage = await measure(stack.session, stack.bases, stack.processes, buyers)
    off = await shows_not_at_zero(stack, show_ids) if mode in ("ours", "orders") else 0
    return Round(mode, seats, tally.confirmed, tally.unanswered, tally.latencies, usage, off)
