"""Append throughput of the event store against the embedded store.

Run on demand (not part of the test suite)::

    python -m benchmarks.append

Prints events/s for single-event appends (one writer, then 64 concurrent
writers on their own streams) and for batched appends of 10, 100 and 500
events, all in one run on one store.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from boxoffice.database import connect
from boxoffice.embedded import EmbeddedStore
from boxoffice.eventstore import ANY, MongoEventStore, NewEvent


def events(count: int) -> list[NewEvent]:
    return [
        NewEvent("SeatHeld", {"booking_id": uuid.uuid4().hex, "quantity": 1}) for _ in range(count)
    ]


async def appends(store: MongoEventStore, writers: int, per_writer: int, batch: int) -> float:
    """Events/s for ``writers`` concurrent writers, each appending ``per_writer`` batches to its stream."""

    async def write() -> None:
        stream = f"bench-{uuid.uuid4().hex}"
        for _ in range(per_writer):
            await store.append(stream, events(batch), ANY)

    started = time.perf_counter()
    await asyncio.gather(*(write() for _ in range(writers)))
    return writers * per_writer * batch / (time.perf_counter() - started)


async def measure(uri: str) -> None:
    client = connect(uri)
    try:
        store = MongoEventStore(client["append_benchmark"])
        await store.ensure_indexes()
        cases = [
            ("single events, 1 writer", 1, 2000, 1),
            ("single events, 64 writers", 64, 40, 1),
            ("batches of 10, 1 writer", 1, 300, 10),
            ("batches of 100, 1 writer", 1, 100, 100),
            ("batches of 500, 1 writer", 1, 40, 500),
        ]
        for label, writers, per_writer, batch in cases:
            rate = await appends(store, writers, per_writer, batch)
            print(f"{label:28} {rate:9,.0f} events/s", flush=True)
    finally:
        await client.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, EmbeddedStore(Path(scratch)) as store:
        asyncio.run(measure(store.uri))


if __name__ == "__main__":
    main()
