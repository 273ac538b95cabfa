"""What every log follower shares: retrying its step while the store is away, and stopping.

The projectors, the sealer and the webhook dispatcher each run one step after
another; a store error waits with a doubling delay and tries again.  PyMongo
can turn the cancellation of an operation in flight into one of its own errors
("operation cancelled"), so a retry first checks whether the task is being
cancelled, and whoever stops followers cancels until they have ended: a
follower must never swallow its own shutdown and loop forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from pymongo.errors import PyMongoError

from boxoffice.eventstore import StoreUnavailable

BACKOFF_FIRST_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 5.0
STOP_POLL_SECONDS = 0.1
LAST_WRITE_SECONDS = 3.0


async def cancel_until_done(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel the tasks, again and again, until every one has ended.

    One cancel is not enough: the driver may turn it into a store error (and
    even take back the cancellation), which a follower's retry absorbs.
    """
    while pending := {task for task in tasks if not task.done()}:
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=STOP_POLL_SECONDS)


async def last_write(write: Awaitable[Any], what: str, log: logging.Logger) -> None:
    """A best-effort write on the way out (a checkpoint, a lease released), bounded in time.

    Shutting down must not hang on the store: one that is gone, or a driver
    whose connection pool is stuck after many cancellations (seen with
    PyMongo 4.20's async server selection), would otherwise hold the process
    forever.  What such a write records is only an optimisation: the followers
    resume from the last checkpoint that did land.
    """
    try:
        async with asyncio.timeout(LAST_WRITE_SECONDS):
            await write
    except (PyMongoError, StoreUnavailable, TimeoutError) as exc:
        log.warning("%s on shutdown skipped: %s", what, exc or "timed out")


def stop_if_cancelled() -> None:
    """Raise CancelledError when the current task is being cancelled."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def follow(
    step: Callable[[], Awaitable[None]],
    name: str,
    log: logging.Logger,
    on_store_error: Callable[[], None] = lambda: None,
) -> None:
    """Run ``step`` forever; after a store error, ``on_store_error`` and a growing pause."""
    delay = BACKOFF_FIRST_SECONDS
    while True:
        stop_if_cancelled()  # the driver may have swallowed the cancellation in a step
        try:
            await step()
        except (StoreUnavailable, PyMongoError) as exc:
            stop_if_cancelled()
            log.warning("%s: %s; retrying in %.1fs", name, exc, delay)
            on_store_error()
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX_SECONDS)
        else:
            delay = BACKOFF_FIRST_SECONDS
