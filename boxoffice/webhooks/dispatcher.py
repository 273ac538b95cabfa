"""The webhook dispatcher: a log follower per subscription, its checkpoint in the subscription.

Every server process runs one. Each cycle it looks for active subscriptions
whose retry time has come, whose lease is free and whose position is behind
the head, and delivers each in a task of its own while holding its lease
(``Subscriptions.claim``): one process at a time per subscription, an expired
lease taken over. A task walks the log from the subscription's position, one
event at a time: an event of another type only moves the position; a matching
one is POSTed, and the next event waits for its 2xx. Progress is written before
every POST (extending the lease past the POST's timeout) and after every
acknowledgement, so a crash resends at most the event in flight: at least
once, in log order, without gaps. A failure schedules a retry with capped
exponential backoff and jitter and releases the lease; failing for
``give_up_seconds``, or a 410, disables the subscription.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from boxoffice.eventstore import EventStore, RecordedEvent
from boxoffice.followers import cancel_until_done, follow, last_write

from . import delivery
from .destinations import check_url
from .public_events import public_event
from .subscriptions import Subscriptions, now_ms

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
IDLE_SECONDS = 0.25
RETRY_CAP_SECONDS = 3600.0
LEASE_MARGIN_SECONDS = 5.0


def retry_delay(
    attempts: int, base: float, random_fraction: Callable[[], float] = random.random
) -> float:
    """Seconds before retry number ``attempts``: base doubling to an hour, half of it jittered."""
    delay = min(RETRY_CAP_SECONDS, base * 2.0 ** min(attempts - 1, 40))
    return delay / 2 + delay / 2 * random_fraction()


@dataclass
class _Lease:
    """One claimed subscription, and how far this task got with it."""

    webhook_id: str
    token: str
    position: int
    attempts: int
    failing_since_ms: int | None


class Dispatcher:
    def __init__(
        self,
        store: EventStore,
        subscriptions: Subscriptions,
        session: aiohttp.ClientSession,
        *,
        retry_base_seconds: float,
        timeout_seconds: float,
        give_up_seconds: float,
        allow_private: bool,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._store = store
        self._subscriptions = subscriptions
        self._session = session
        self._retry_base = retry_base_seconds
        self._timeout = timeout_seconds
        self._give_up_ms = int(give_up_seconds * 1000)
        self._allow_private = allow_private
        self._idle_seconds = idle_seconds
        self._lease_ms = int((timeout_seconds + LEASE_MARGIN_SECONDS) * 1000)
        self._working: dict[str, asyncio.Task[None]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="webhook-dispatcher")
        self._task.add_done_callback(_report_crash)

    async def stop(self) -> None:
        """Stop following; deliveries in flight are cancelled and their leases released.

        The cancellation is repeated until every task ends: a driver call that is
        cancelled may surface as a store error, which the retry loop absorbs.
        """
        await cancel_until_done(t for t in (self._task, *self._working.values()) if t is not None)

    async def run(self) -> None:
        await follow(self.step, "webhooks", logger)

    async def step(self) -> None:
        """Start a delivery task for every subscription that is due and behind the head.

        A cycle costs one query while nothing is due, and runs every ``idle_seconds``
        rather than at every append: a running task follows the log by itself, so
        a busy on-sale does not multiply the dispatcher's queries.
        """
        due = [s for s in await self._subscriptions.due() if s["_id"] not in self._working]
        head = await self._store.head_position() if due else 0
        for subscription in due:
            if subscription["position"] < head:
                webhook_id = subscription["_id"]
                task = asyncio.create_task(self._deliver(webhook_id), name=f"webhook-{webhook_id}")
                self._working[webhook_id] = task
                task.add_done_callback(functools.partial(self._finished, webhook_id))
        await asyncio.sleep(self._idle_seconds)

    def _finished(self, webhook_id: str, task: asyncio.Task[None]) -> None:
        self._working.pop(webhook_id, None)
        if not task.cancelled() and task.exception() is not None:
            logger.warning("webhook %s: %s; its lease will expire", webhook_id, task.exception())

    async def _deliver(self, webhook_id: str) -> None:
        claimed = await self._subscriptions.claim(webhook_id, self._lease_ms)
        if claimed is None:
            return
        token, subscription = claimed
        lease = _Lease(
            webhook_id,
            token,
            subscription["position"],
            subscription["attempts"],
            subscription["failing_since_ms"],
        )
        try:
            if await self._follow(lease, subscription):
                await self._subscriptions.release(webhook_id, token, lease.position)
        except asyncio.CancelledError:
            release = self._subscriptions.release(webhook_id, token, lease.position)
            await last_write(release, f"webhook {webhook_id}: releasing its lease", logger)
            raise

    async def _follow(self, lease: _Lease, subscription: dict[str, Any]) -> bool:
        """Deliver up to the head; False when delivery stopped (a failure, or the lease lost)."""
        types = frozenset(subscription["events"])
        while True:
            events = [e async for e in self._store.read_all(lease.position, limit=BATCH_SIZE)]
            if not events:
                return True
            for event in events:
                if event.type in types and not await self._send(lease, subscription, event):
                    return False
                lease.position = event.position

    async def _send(
        self, lease: _Lease, subscription: dict[str, Any], event: RecordedEvent
    ) -> bool:
        """POST one event; True once it is acknowledged and recorded."""
        subscriptions, webhook_id = self._subscriptions, lease.webhook_id
        if not await subscriptions.hold(webhook_id, lease.token, lease.position, self._lease_ms):
            return False
        payload = {**public_event(event), "webhook_id": webhook_id}
        try:
            url = check_url(subscription["url"], allow_private=self._allow_private)
        except ValueError as exc:
            outcome = delivery.Outcome(None, f"url refused: {exc}")
        else:
            outcome = await delivery.post(
                self._session, url, subscription["secret"], payload, self._timeout
            )
        if outcome.acknowledged:
            lease.attempts, lease.failing_since_ms = 0, None
            return await subscriptions.delivered(
                webhook_id, lease.token, event.position, self._lease_ms
            )
        if outcome.gone:
            logger.info("webhook %s: the receiver answered 410; disabled", webhook_id)
            await subscriptions.disable(
                webhook_id, lease.token, lease.position, "gone", outcome.error
            )
            return False
        await self._failed(lease, outcome.error)
        return False

    async def _failed(self, lease: _Lease, error: str) -> None:
        now = now_ms()
        failing_since = lease.failing_since_ms or now
        if now - failing_since >= self._give_up_ms:
            logger.warning(
                "webhook %s: failing since %d ms ago; disabled",
                lease.webhook_id,
                now - failing_since,
            )
            await self._subscriptions.disable(
                lease.webhook_id, lease.token, lease.position, "failing", error
            )
            return
        attempts = lease.attempts + 1
        delay_ms = int(retry_delay(attempts, self._retry_base) * 1000)
        failure = {
            "attempts": attempts,
            "next_attempt_ms": now + delay_ms,
            "failing_since_ms": failing_since,
            "last_error": error,
        }
        await self._subscriptions.retry_later(
            lease.webhook_id, lease.token, lease.position, failure
        )


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s stopped", task.get_name(), exc_info=task.exception())
