"""The real app served on a real port from a thread of its own, for synchronous fuzzers.

Schemathesis calls the API with blocking ``requests``; the server therefore
runs its own event loop in a background thread, over the session's store.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
import requests
from aiohttp import web
from pydantic import SecretStr

from boxoffice.commands.users import grant_admin
from boxoffice.http import keys
from boxoffice.http.app import create_app
from boxoffice.settings import Settings
from tests.e2e.conftest import TEST_SECRET, client, settings

__all__ = ["LiveServer", "client", "live_server", "settings"]

T = TypeVar("T")
PASSWORD = "correct horse battery"


@dataclass
class LiveServer:
    base_url: str
    app: web.Application
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Callable[[], Awaitable[T]]) -> T:
        """Run ``coroutine()`` on the server's loop and wait for its result."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(_call(coroutine), self.loop)
        return future.result(timeout=30)

    def sign_up(self, *, admin: bool = False) -> dict[str, str]:
        """A new account's ``Authorization`` header (an admin granted as the CLI does)."""
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        body = {"email": email, "password": PASSWORD}
        assert requests.post(f"{self.base_url}/auth/register", json=body, timeout=10).ok
        if admin:
            self.run(lambda: grant_admin(self.app[keys.EVENT_STORE], email))
        login = requests.post(f"{self.base_url}/auth/login", json=body, timeout=10)
        return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _call(coroutine: Callable[[], Awaitable[T]]) -> T:
    return await coroutine()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, mongo_uri: str) -> Iterator[LiveServer]:
    configured = Settings(
        env="test",
        data_dir=Path(tmp_path_factory.mktemp("fuzz")),
        db_name=f"t_{uuid.uuid4().hex[:12]}",
        jwt_secret=SecretStr(TEST_SECRET),
        bcrypt_rounds=4,
        login_rate="100000/minute",
        login_failures_per_account="100000/minute",
        login_failures_per_address="100000/minute",
        register_rate="100000/minute",
        booking_rate="100000/minute",
        booking_wait_seconds=0.5,
    )
    app = create_app(configured, mongo_uri)
    loop = asyncio.new_event_loop()
    started: Future[str] = Future()
    stop = asyncio.Event()

    async def serve() -> None:
        runner = web.AppRunner(app, access_log=None)
        try:
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
        except BaseException as exc:
            started.set_exception(exc)
            raise
        started.set_result(f"http://127.0.0.1:{runner.addresses[0][1]}")
        await stop.wait()
        await app[keys.MONGO_CLIENT].drop_database(configured.db_name)
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    try:
        yield LiveServer(started.result(timeout=30), app, loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()
