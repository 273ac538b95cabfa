"""Cancellation that a driver error must not swallow."""

from __future__ import annotations

import asyncio


def stop_if_cancelled() -> None:
    """Raise CancelledError when the current task is being cancelled.

    PyMongo can turn the cancellation of an operation in flight into one of its
    own errors ("operation cancelled"); a follower that retries on store errors
    would then swallow its own shutdown and loop forever.  Call this in such an
    ``except`` before retrying.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
