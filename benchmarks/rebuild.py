"""Rebuild speed: append >= 100,000 events to a scratch database on an embedded store, rebuild.

Run on demand (not part of the test suite)::

    python -m benchmarks.rebuild [--events 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from boxoffice.database import connect
from boxoffice.embedded import EmbeddedStore
from boxoffice.eventstore import MongoEventStore
from boxoffice.projections.read_models import READ_MODELS
from boxoffice.projections.rebuild import rebuild
from tests.projection_history import random_history


async def measure(uri: str, events: int) -> None:
    client = connect(uri)
    try:
        database = client["rebuild_benchmark"]
        store = MongoEventStore(database)
        await store.ensure_indexes()
        started = time.monotonic()
        history = await random_history(store, at_least=events, shows=40)
        print(f"appended {history.events} events in {time.monotonic() - started:.1f} s")
        report = await rebuild(database, store, list(READ_MODELS.values()), grace_seconds=0)
        print(report.summary())
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, EmbeddedStore(Path(scratch)) as store:
        asyncio.run(measure(store.uri, args.events))


if __name__ == "__main__":
    main()
