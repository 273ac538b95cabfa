"""What a round measures: wall time, store commands, CPU per process role, projection lag."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from .processes import Processes


@dataclass(frozen=True)
class Usage:
    seconds: float
    store_commands: int
    cpu: dict[str, float]
    lag_events: float
    lag_seconds: float


@dataclass
class Round:
    mode: str
    seats: int
    confirmed: int
    unanswered: int  # given up on after workload.ANSWER_SECONDS: outcome unknown
    latencies: list[float]
    usage: Usage
    shows_not_at_zero: int = 0  # ours: shows whose GET /shows/{id} still shows seats available

    @property
    def per_second(self) -> float:
        return self.confirmed / self.usage.seconds

    @property
    def oversold(self) -> int:
        return max(0, self.confirmed - self.seats) if self.mode != "ceiling" else 0

    @property
    def exact(self) -> bool:
        """Sold out to the seat: as many confirmed as there are seats, and no seat left over."""
        return self.mode == "ceiling" or (
            self.confirmed == self.seats and self.shows_not_at_zero == 0
        )

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def cpu_ms_per_booking(self, role: str) -> float:
        return self.usage.cpu[role] * 1000 / max(1, self.confirmed)


Session = aiohttp.ClientSession


async def metric_values(session: Session, base: str, name: str) -> list[float]:
    async with session.get(f"{base}/metrics") as response:
        lines = (await response.text()).splitlines()
    return [float(line.split()[-1]) for line in lines if line.startswith(name)]


async def store_commands(session: Session, bases: list[str]) -> int:
    name = "boxoffice_store_commands_total"
    return int(sum([sum(await metric_values(session, base, name)) for base in bases]))


async def sample_lag(session: Session, bases: list[str], worst: dict[str, float]) -> None:
    """The worst projection lag seen while the round runs (sampled every 0.2 s)."""
    while True:
        for base in bases:
            for name in ("boxoffice_projection_lag_events", "boxoffice_projection_lag_seconds"):
                worst[name] = max([worst.get(name, 0.0), *await metric_values(session, base, name)])
        await asyncio.sleep(0.2)


async def measure(
    session: Session, bases: list[str], processes: Processes, work: Callable[[], Awaitable[object]]
) -> Usage:
    """Wall time, store commands, CPU per role and worst projection lag while `work()` runs."""
    commands, cpu = await store_commands(session, bases), processes.cpu()
    worst: dict[str, float] = {}
    sampler = asyncio.create_task(sample_lag(session, bases, worst))
    started = time.perf_counter()
    try:
        await work()
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
    seconds = time.perf_counter() - started
    cpu_after = processes.cpu()
    return Usage(
        seconds,
        await store_commands(session, bases) - commands,
        {role: cpu_after[role] - cpu[role] for role in cpu},
        worst.get("boxoffice_projection_lag_events", 0.0),
        worst.get("boxoffice_projection_lag_seconds", 0.0),
    )
