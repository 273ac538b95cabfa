"""bcrypt, kept off the event loop and bounded.

One hash costs about 250 ms of CPU at 12 rounds: run in the loop it would stall
every request, and unbounded it would fill the default thread pool. So each
hash runs in a worker thread, at most ``concurrency`` at a time.
"""

from __future__ import annotations

import asyncio

import bcrypt

# bcrypt reads at most 72 bytes; longer passwords are refused, never truncated.
MAX_PASSWORD_BYTES = 72
_DUMMY_PASSWORD = b"boxoffice-dummy-password"


class PasswordHasher:
    def __init__(self, rounds: int, concurrency: int, dummy_hash: bytes) -> None:
        self._rounds = rounds
        self._slots = asyncio.Semaphore(concurrency)
        self._dummy_hash = dummy_hash

    @classmethod
    async def create(cls, rounds: int, concurrency: int) -> PasswordHasher:
        """Hashes a dummy once, so a check without a real hash costs the same as one with."""
        dummy = await asyncio.to_thread(bcrypt.hashpw, _DUMMY_PASSWORD, bcrypt.gensalt(rounds))
        return cls(rounds, concurrency, dummy)

    async def hash(self, password: str) -> str:
        secret = password.encode()
        if len(secret) > MAX_PASSWORD_BYTES:
            raise ValueError(f"password longer than {MAX_PASSWORD_BYTES} bytes")
        salt = bcrypt.gensalt(self._rounds)
        async with self._slots:
            hashed = await asyncio.to_thread(bcrypt.hashpw, secret, salt)
        return hashed.decode()

    async def verify(self, password: str, hashed: str | None) -> bool:
        """False for a wrong or over-long password or no hash, after the same bcrypt work."""
        secret = password.encode()
        if hashed is None or len(secret) > MAX_PASSWORD_BYTES:
            await self._check(_DUMMY_PASSWORD, self._dummy_hash)
            return False
        return await self._check(secret, hashed.encode())

    async def _check(self, secret: bytes, hashed: bytes) -> bool:
        async with self._slots:
            return await asyncio.to_thread(bcrypt.checkpw, secret, hashed)
