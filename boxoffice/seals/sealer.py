"""The sealer: a log follower that signs a checkpoint of the running hash every few seconds.

It resumes from the latest seal in the store (its checkpoint: position and
running hash), chains every event it reads, and seals its position once
``interval`` seconds have passed since its last seal and it has read past it.
Several processes may run it on one log: each chains the same events into the
same running hash, and two that seal the same position race for the same
``_id``, so the loser reads back an equal checkpoint (``SealRecords.add``).
Only the process that stored a seal appends it to the export file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo.errors import PyMongoError

from boxoffice.eventstore import EventStore, StoreUnavailable
from boxoffice.eventstore.hashing import timestamp
from boxoffice.followers import cancel_until_done, follow

from .export import append_seal
from .keys import key_id
from .records import SealRecords
from .running_hash import Chain
from .seal import MalformedSeal, Seal, seal

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000
IDLE_SECONDS = 0.25


class Sealer:
    def __init__(
        self,
        store: EventStore,
        records: SealRecords,
        key: Ed25519PrivateKey,
        export_path: Path | None,
        *,
        interval: float,
        batch_size: int = BATCH_SIZE,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._store = store
        self._records = records
        self._key = key
        self._export_path = export_path
        self._interval = interval
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._chain: Chain | None = None
        self._sealed_position = 0
        self._sealed_time = -math.inf
        self._task: asyncio.Task[None] | None = None

    @property
    def position(self) -> int:
        """The position the running hash has reached (0 before the sealer resumed)."""
        return self._chain.position if self._chain else 0

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="sealer")

    async def stop(self) -> None:
        """Stop following, then seal what was read (best effort).

        The cancellation is repeated until the task ends: a driver call that is
        cancelled may surface as a store error, which the retry loop absorbs.
        """
        if self._task is not None:
            await cancel_until_done([self._task])
        with contextlib.suppress(StoreUnavailable, PyMongoError):
            await self.seal()

    async def run(self) -> None:
        await follow(self.step, "sealer", logger)

    async def step(self) -> None:
        """Read one batch into the running hash; seal when due; wait a little when idle."""
        chain = self._chain or await self._resume()
        before = chain.position
        async for event in self._store.read_all(before, limit=self._batch_size):
            chain = self._chain = chain.add(event.hash, event.position)
        now = asyncio.get_running_loop().time()
        if now - self._sealed_time >= self._interval:
            await self.seal()
        if self.position == before:
            await self._store.wait_for_events(before, self._idle_seconds)

    async def seal(self) -> Seal | None:
        """Seal the position reached, unless it is sealed already; the seal as stored."""
        chain = self._chain
        if chain is None or chain.position <= self._sealed_position:
            return None
        signed = seal(self._key, chain.position, chain.running_hash, timestamp(datetime.now(UTC)))
        stored, stored_here = await self._records.add(signed)
        if stored.running_hash != signed.running_hash:
            logger.error(
                "sealer: the seal stored at %d does not match the log as read here", stored.position
            )
        self._sealed_position = stored.position
        self._sealed_time = asyncio.get_running_loop().time()
        if stored_here and self._export_path is not None:
            await _export(self._export_path, stored)
        return stored

    async def _resume(self) -> Chain:
        """Continue from the latest seal if this key signed it; otherwise chain from the start."""
        try:
            latest = await self._records.latest()
        except MalformedSeal:
            latest = None
        public_key = self._key.public_key()
        if (
            latest is not None
            and latest.key_id == key_id(public_key)
            and latest.signed_by(public_key)
        ):
            self._chain = Chain(latest.position, latest.running_hash)
            self._sealed_position = latest.position
            head = await self._store.head_position()
            if head < latest.position:
                logger.error(
                    "sealer: the log ends at %d, before the seal at %d: was its tail deleted?",
                    head,
                    latest.position,
                )
            return self._chain
        if latest is not None:
            logger.warning(
                "sealer: the latest seal (at %d) is not this key's; chaining the log from its start",
                latest.position,
            )
        self._chain = Chain()
        return self._chain


async def _export(path: Path, stored: Seal) -> None:
    """The file is a copy; failing to write it loses no seal, so it is logged, not retried."""
    try:
        await asyncio.to_thread(append_seal, path, stored)
    except OSError as exc:
        logger.error("sealer: cannot append to %s: %s", path, exc.strerror)
