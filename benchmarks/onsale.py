"""A hot on-sale, measured: boxoffice vs a state-based baseline vs the no-store ceiling.

    .venv/bin/python -m benchmarks.onsale [--concurrency 64] [--seats 3000] [--rounds 3]

Starts one embedded store and one server process (benchmarks/server.py: the
real app plus the two comparison routes), registers buyers, then runs rounds
that alternate ours, baseline, ceiling.  In each round C buyers book one seat
at a time (each request with its own Idempotency-Key) until the category is
sold out.  It prints per-round figures, medians, the ratios, the store round
trips per confirmed booking, and `boxoffice audit` over the resulting log.
Finally two server processes share the store for the scale-out figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from boxoffice.embedded import EmbeddedStore, free_port

PASSWORD = "benchmark password"
SECRET = "benchmark-secret-" + "s" * 40
DB_NAME = "onsale"


@dataclass
class Round:
    mode: str
    confirmed: int
    seconds: float
    latencies: list[float]
    store_commands: int
    server_cpu: float
    store_cpu: float
    client_cpu: float
    lag_events: float = 0.0
    lag_seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.confirmed / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


@dataclass(frozen=True)
class Processes:
    server_pids: list[int]
    store_pid: int


def server_env(uri: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXOFFICE_")}
    env.update(
        MONGODB_URI=uri,
        BOXOFFICE_DB_NAME=DB_NAME,
        BOXOFFICE_ENV="test",
        BOXOFFICE_JWT_SECRET=SECRET,
        BOXOFFICE_BCRYPT_ROUNDS="4",
        BOXOFFICE_REGISTER_RATE="1000000/minute",
        BOXOFFICE_LOGIN_RATE="1000000/minute",
        BOXOFFICE_BOOKING_RATE="1000000/minute",
    )
    return env


@contextmanager
def servers(uri: str, count: int, workdir: Path) -> Iterator[tuple[list[str], list[int]]]:
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", "--port", str(port)],
            env=server_env(uri),
            cwd=Path(__file__).resolve().parent.parent,
            stdout=(workdir / f"server-{port}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        yield [f"http://127.0.0.1:{port}" for port in ports], [p.pid for p in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


async def wait_until_up(session: aiohttp.ClientSession, base: str) -> None:
    for _ in range(600):
        try:
            async with session.get(f"{base}/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not come up")


async def login(session: aiohttp.ClientSession, base: str, email: str) -> dict[str, str]:
    async with session.post(f"{base}/auth/login", json={"email": email, "password": PASSWORD}) as r:
        return {"Authorization": f"Bearer {(await r.json())['access_token']}"}


async def register(session: aiohttp.ClientSession, base: str) -> str:
    email = f"{uuid.uuid4().hex[:12]}@bench.example"
    async with session.post(
        f"{base}/auth/register", json={"email": email, "password": PASSWORD}
    ) as r:
        assert r.status == 201, await r.text()
    return email


async def make_admin(uri: str, email: str) -> None:
    from boxoffice.commands.users import grant_admin
    from boxoffice.database import connect
    from boxoffice.eventstore import MongoEventStore

    client = connect(uri)
    try:
        await grant_admin(MongoEventStore(client[DB_NAME]), email)
    finally:
        await client.close()


async def metric_values(session: aiohttp.ClientSession, base: str, name: str) -> list[float]:
    async with session.get(f"{base}/metrics") as response:
        lines = (await response.text()).splitlines()
    return [float(line.split()[-1]) for line in lines if line.startswith(name)]


async def sample_lag(
    session: aiohttp.ClientSession, bases: list[str], worst: dict[str, float]
) -> None:
    """The worst projection lag seen while the round runs (sampled every 0.2 s)."""
    while True:
        for base in bases:
            for name in ("boxoffice_projection_lag_events", "boxoffice_projection_lag_seconds"):
                worst[name] = max([worst.get(name, 0.0), *await metric_values(session, base, name)])
        await asyncio.sleep(0.2)


async def store_commands(session: aiohttp.ClientSession, bases: list[str]) -> int:
    total = 0
    for base in bases:
        async with session.get(f"{base}/metrics") as response:
            for line in (await response.text()).splitlines():
                if line.startswith("boxoffice_store_commands_total"):
                    total += int(float(line.split()[-1]))
    return total


async def open_inventory(
    session: aiohttp.ClientSession, base: str, admin: dict[str, str], mode: str, seats: int
) -> str:
    if mode == "baseline":
        async with session.post(
            f"{base}/bench/baseline/inventory", json={"seats": seats}, headers=admin
        ) as r:
            return str((await r.json())["show_id"])
    show = {
        "title": "On-sale", "venue": "Arena", "starts_at": "2027-06-01T20:00:00Z",
        "categories": [{"code": "A", "name": "Floor", "price": "80.00", "currency": "EUR", "capacity": seats}],
    }  # fmt: skip
    async with session.post(f"{base}/shows", json=show, headers=admin) as r:
        assert r.status == 201, await r.text()
        return str((await r.json())["show_id"])


PATHS = {
    "ours": "/booking/tickets/book",
    "baseline": "/bench/baseline/book",
    "ceiling": "/bench/ceiling/book",
}


async def decision_of(
    session: aiohttp.ClientSession, base: str, status_url: str, headers: dict[str, str]
) -> int:
    """Follow a 202 (pending) to its decision, as a client would: 201 confirmed or 409 rejected."""
    while True:
        await asyncio.sleep(0.05)
        async with session.get(f"{base}{status_url}", headers=headers) as response:
            booking = await response.json()
        if booking["status"] != "pending":
            return 201 if booking["status"] == "confirmed" else 409


async def run_round(
    session: aiohttp.ClientSession,
    bases: list[str],
    admin: dict[str, str],
    buyers: list[dict[str, str]],
    mode: str,
    seats: int,
    processes: Processes,
    with_keys: bool,
) -> Round:
    show_id = await open_inventory(session, bases[0], admin, mode, seats)
    body = {"show_id": show_id, "category": "A", "quantity": 1}
    latencies: list[float] = []
    confirmed = 0
    budget = seats  # the ceiling never sells out: it answers `seats` requests

    async def buyer(index: int) -> None:
        nonlocal confirmed, budget
        base = bases[index % len(bases)]
        headers = dict(buyers[index])
        while budget > 0 or mode != "ceiling":
            if mode == "ceiling":
                budget -= 1
            if with_keys:
                headers["Idempotency-Key"] = uuid.uuid4().hex
            started = time.perf_counter()
            async with session.post(f"{base}{PATHS[mode]}", json=body, headers=headers) as response:
                status = response.status
                answer = await response.json()
            if status == 202:
                status = await decision_of(session, base, answer["status_url"], headers)
            latencies.append(time.perf_counter() - started)
            if status == 201:
                confirmed += 1
            elif status == 409:
                return
            else:
                raise RuntimeError(f"{mode}: unexpected {status}")

    commands_before = await store_commands(session, bases)
    server_before = cpu_seconds(processes.server_pids)
    store_before = cpu_seconds([processes.store_pid])
    client_before = cpu_seconds([os.getpid()])
    worst: dict[str, float] = {}
    sampler = asyncio.create_task(sample_lag(session, bases, worst))
    started = time.perf_counter()
    await asyncio.gather(*(buyer(i) for i in range(len(buyers))))
    seconds = time.perf_counter() - started
    sampler.cancel()
    server_cpu = cpu_seconds(processes.server_pids) - server_before
    store_cpu = cpu_seconds([processes.store_pid]) - store_before
    client_cpu = cpu_seconds([os.getpid()]) - client_before
    commands = await store_commands(session, bases) - commands_before
    return Round(
        mode,
        confirmed,
        seconds,
        latencies,
        commands,
        server_cpu,
        store_cpu,
        client_cpu,
        worst.get("boxoffice_projection_lag_events", 0.0),
        worst.get("boxoffice_projection_lag_seconds", 0.0),
    )


def describe(result: Round) -> str:
    per_booking = 1000 / max(1, result.confirmed)
    return (
        f"{result.mode:9} {result.confirmed:6d} confirmed in {result.seconds:6.2f} s = "
        f"{result.per_second:7.0f}/s   p50 {result.percentile(0.5):6.1f} ms   "
        f"p99 {result.percentile(0.99):6.1f} ms   round trips/booking "
        f"{result.store_commands / max(1, result.confirmed):4.2f}   CPU ms/booking: server "
        f"{result.server_cpu * per_booking:4.2f} store {result.store_cpu * per_booking:4.2f} "
        f"load generator {result.client_cpu * per_booking:4.2f}"
        + (
            f"   worst projection lag {result.lag_events:.0f} events / {result.lag_seconds:.2f} s"
            if result.mode == "ours"
            else ""
        )
    )


async def onsale(
    uri: str,
    bases: list[str],
    processes: Processes,
    concurrency: int,
    seats: int,
    rounds: int,
    modes: list[str],
    with_keys: bool = True,
) -> list[Round]:
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        for base in bases:
            await wait_until_up(session, base)
        admin_email = await register(session, bases[0])
        await make_admin(uri, admin_email)
        admin = await login(session, bases[0], admin_email)
        emails = await asyncio.gather(*(register(session, bases[0]) for _ in range(concurrency)))
        buyers = [await login(session, bases[0], email) for email in emails]
        results = []
        for number in range(1, rounds + 1):
            for mode in modes:
                result = await run_round(
                    session, bases, admin, buyers, mode, seats, processes, with_keys
                )
                print(f"round {number}  {describe(result)}", flush=True)
                results.append(result)
        return results


def audit(uri: str) -> int:
    env = server_env(uri)
    completed = subprocess.run(
        [sys.executable, "-m", "boxoffice", "audit"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print((completed.stdout + completed.stderr).strip())
    return completed.returncode


def summary(results: list[Round]) -> None:
    medians = {
        mode: statistics.median(r.per_second for r in results if r.mode == mode)
        for mode in dict.fromkeys(r.mode for r in results)
    }
    p99 = {
        mode: statistics.median(r.percentile(0.99) for r in results if r.mode == mode)
        for mode in medians
    }
    print("\nmedians:")
    for mode, value in medians.items():
        print(f"  {mode:9} {value:7.0f} bookings/s   p99 {p99[mode]:6.1f} ms")
    for other in ("baseline", "ceiling"):
        if "ours" in medians and other in medians:
            print(f"  ours/{other:8} = {medians['ours'] / medians[other]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seats", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-scale-out", action="store_true")
    parser.add_argument(
        "--without-keys",
        action="store_true",
        help="send no Idempotency-Key (the baseline implements none): compares the pipelines alone",
    )
    parser.add_argument(
        "--only", choices=["ours", "baseline", "ceiling"], help="one mode, e.g. to profile"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, EmbeddedStore(Path(scratch) / "store") as store:
        workdir = Path(scratch)
        print(
            f"on-sale: {args.concurrency} buyers, {args.seats} seats, {args.rounds} rounds (ours, baseline, ceiling)"
        )
        modes = [args.only] if args.only else ["ours", "baseline", "ceiling"]
        with servers(store.uri, 1, workdir) as (bases, pids):
            processes = Processes(pids, store.pid or 0)
            results = asyncio.run(
                onsale(
                    store.uri,
                    bases,
                    processes,
                    args.concurrency,
                    args.seats,
                    args.rounds,
                    modes,
                    with_keys=not args.without_keys,
                )
            )
        summary(results)
        print("\naudit of the log:")
        audited = audit(store.uri)
        if not args.no_scale_out:
            print("\nscale-out: two server processes, buyers split between them")
            with servers(store.uri, 2, workdir) as (bases, pids):
                processes = Processes(pids, store.pid or 0)
                asyncio.run(
                    onsale(store.uri, bases, processes, args.concurrency, args.seats, 1, ["ours"])
                )
            audited = audit(store.uri) or audited
        sys.exit(audited)


if __name__ == "__main__":
    main()
