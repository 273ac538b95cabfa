"""One delivery: a signed POST of one event's public shape, and what came of it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from .signing import HEADER, signature

USER_AGENT = "boxoffice-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: int | None
    """The receiver's HTTP status; None when it gave none (refused, timed out, unreachable)."""
    error: str = ""

    @classmethod
    def answered(cls, status: int) -> Outcome:
        return cls(status, "" if 200 <= status < 300 else f"HTTP {status}")

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """410: the receiver asks never to be called again."""
        return self.status == 410


async def post(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    payload: dict[str, Any],
    timeout: float,  # noqa: ASYNC109 - the whole exchange, configured per installation
) -> Outcome:
    """POST ``payload`` signed under ``secret``; redirects are not followed (a 3xx is a failure)."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        HEADER: signature(secret, int(time.time()), body),
    }
    try:
        async with session.post(
            url,
            data=body,
            headers=headers,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            return Outcome.answered(response.status)
    except TimeoutError:
        return Outcome(None, f"no answer within {timeout:g}s")
    except (aiohttp.ClientError, OSError) as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:300])
