"""Replay and audit speed over a log of realistic booking events.

    .venv/bin/python -m benchmarks.audit [--events 100000] [--batch 250]

Starts a scratch embedded store, appends shows and booking batches decided by
the domain (``--batch`` requests, so twice as many events, per commit, as the
booking worker does under load) plus some cancellations, then times, in
process, ``replay`` (JSON lines to /dev/null, with and without ``--verify``)
and ``audit``; finally runs ``boxoffice replay`` and ``boxoffice audit`` as
commands, reporting their wall time and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from boxoffice.audit.auditing import audit_log
from boxoffice.audit.records import json_line
from boxoffice.audit.replay import replay
from boxoffice.audit.selection import Selection
from boxoffice.audit.violations import Violation
from boxoffice.database import connect
from boxoffice.domain.events import Event
from boxoffice.domain.inventory import (
    CONFIRMED,
    CancelBooking,
    Inventory,
    RequestBooking,
    decide_batch,
    decide_cancel,
    fold,
)
from boxoffice.domain.shows import Category, CreateShow, create_show
from boxoffice.embedded import EmbeddedStore
from boxoffice.eventstore import NO_STREAM, MongoEventStore, NewEvent
from boxoffice.eventstore.model import new_id

DB_NAME = "audit_bench"
CATEGORIES = ("A", "B", "C", "D")


def stored(events: list[Event]) -> list[NewEvent]:
    return [NewEvent(type=type(e).__name__, data=e.to_data()) for e in events]


async def build_log(store: MongoEventStore, events: int, batch: int) -> None:
    rng = random.Random(1)
    while await store.head_position() < events:
        show_id = new_id()[:12]
        command = CreateShow(
            show_id, "Benchmark", "Hall", "2030-01-01T20:00:00Z",
            tuple(Category(c, c, "10.00", "EUR", 5 * batch) for c in CATEGORIES), 8, "admin",
        )  # fmt: skip
        inventories: dict[str, Inventory] = {}
        for stream, opened in create_show(command):
            await store.append(stream, stored(opened), NO_STREAM)
            state = fold(opened)
            if state.opened:
                inventories[stream] = state
        for stream, state in inventories.items():
            for _ in range(4):
                requests = [
                    RequestBooking(new_id(), state.show_id, rng.choice(CATEGORIES), f"u{rng.randrange(900)}", rng.randint(1, 3))
                    for _ in range(batch)
                ]  # fmt: skip
                decided, after = decide_batch(state, requests)
                await store.append(stream, stored(decided), state.version)
                state = after
            confirmed = next(b for b in state.bookings.values() if b.status == CONFIRMED)
            cancelled = decide_cancel(state, CancelBooking(confirmed.booking_id, confirmed.user_id))
            await store.append(stream, stored(cancelled), state.version)


def report(violation: Violation) -> None:
    print(f"  unexpected: {violation.line()}")


async def measure(uri: str, events: int, batch: int, sink: TextIO) -> None:
    client = connect(uri)
    try:
        database = client[DB_NAME]
        store = MongoEventStore(database)
        await store.ensure_indexes()
        started = time.perf_counter()
        await build_log(store, events, batch)
        total = await store.head_position()
        print(f"built {total} events in {time.perf_counter() - started:.1f} s")
        for verify in (False, True):
            started = time.perf_counter()
            await replay(store.commits, Selection(), sink, json_line, verify=verify, report=report)
            seconds = time.perf_counter() - started
            label = "replay --verify" if verify else "replay"
            print(f"{label:>16}: {seconds:6.2f} s  {total / seconds:9,.0f} events/s")
        result = await audit_log(database, store, report=report, progress=lambda _: None)
        print(f"{'audit':>16}: {result.seconds:6.2f} s  {result.events_per_second:9,.0f} events/s")
    finally:
        await client.close()


def run_command(uri: str, *args: str) -> None:
    env = {**os.environ, "MONGODB_URI": uri, "BOXOFFICE_DB_NAME": DB_NAME}
    started = time.perf_counter()
    with open(os.devnull, "w") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "boxoffice", *args], stdout=sink, env=env, check=False
        )
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{'boxoffice ' + args[0]:>16}: {seconds:6.2f} s  exit {done.returncode}  "
        f"peak RSS of a command so far {peak_mib:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=250)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as scratch,
        EmbeddedStore(Path(scratch)) as embedded,
        open(os.devnull, "w") as sink,
    ):
        asyncio.run(measure(embedded.uri, args.events, args.batch, sink))
        run_command(embedded.uri, "replay")
        run_command(embedded.uri, "audit")


if __name__ == "__main__":
    main()
