"""The e2e fixtures (an in-process app over real TCP, on the session's store), shared here."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from boxoffice.http import keys
from tests.e2e.conftest import client, settings

__all__ = ["client", "log_head", "settings"]


async def log_head(client: TestClient) -> int:
    """The global log's last position: unchanged across a request means nothing was stored."""
    return await client.app[keys.EVENT_STORE].head_position()
