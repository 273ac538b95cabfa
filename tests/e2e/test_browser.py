"""A real browser: headless Chromium, on a page served from another origin, uses `boxoffice serve`.

The page (browser/index.html) registers, logs in, refreshes, books and reuses the
first refresh token with ``fetch``, writing every answer into the DOM; the test
reads them. Chromium and chromedriver come from Debian (``.ci/run`` installs
them): without them this test fails, it never skips.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from boxoffice.embedded import free_port

from .actors import show_body
from .test_cli_serve import wait_for_health

pytestmark = pytest.mark.slow

PAGE = Path(__file__).parent / "browser" / "index.html"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PASSWORD = "correct horse battery"
PAGE_SECONDS = 30


@pytest.fixture
async def page_origin() -> AsyncIterator[str]:
    """The page, served by a tiny aiohttp server on another loopback port: another origin."""

    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(PAGE)

    app = web.Application()
    app.router.add_get("/", index)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


def boxoffice(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "boxoffice", *args],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


@pytest.fixture
def api(tmp_path: Path, page_origin: str) -> Iterator[tuple[str, dict[str, str]]]:
    """`boxoffice serve` on its own embedded store, allowing the page's origin; its URL and env."""
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "BOXOFFICE_CORS_ORIGINS": json.dumps([page_origin]),
        "BOXOFFICE_BCRYPT_ROUNDS": "4",
    }
    server = boxoffice("serve", "--port", str(port), cwd=tmp_path, env=env)
    try:
        wait_for_health(port, within=20)
        yield f"http://127.0.0.1:{port}", env
    finally:
        server.terminate()
        server.wait(timeout=20)


async def new_show(api_url: str, env: dict[str, str], cwd: Path) -> str:
    """An admin (granted through the CLI, as an operator does) creates a show to book."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    account = {"email": email, "password": PASSWORD}
    async with aiohttp.ClientSession(api_url) as http:
        await http.post("/auth/register", json=account)
        granted = boxoffice("users", "grant-admin", email, cwd=cwd, env=env)
        assert await asyncio.to_thread(granted.wait, 60) == 0
        token = (await (await http.post("/auth/login", json=account)).json())["access_token"]
        created = await http.post(
            "/shows", json=show_body(capacity=10), headers={"Authorization": f"Bearer {token}"}
        )
        assert created.status == 201, await created.text()
        return str((await created.json())["show_id"])


def browse(url: str, profile: Path) -> list[dict[str, Any]]:
    """Open the page in headless Chromium and read the steps it wrote once it is done."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.get(url)
        done = WebDriverWait(driver, PAGE_SECONDS).until(
            lambda d: d.find_element(By.ID, "done").text
        )
        written = driver.find_element(By.ID, "steps").text
        assert done == "ok", f"the page {done}; its steps: {written or 'none'}"
        steps: list[dict[str, Any]] = json.loads(written)
        return steps
    finally:
        driver.quit()


async def test_a_page_on_another_origin_registers_logs_in_refreshes_and_books(
    api: tuple[str, dict[str, str]], page_origin: str, tmp_path: Path
) -> None:
    api_url, env = api
    show_id = await new_show(api_url, env, tmp_path)

    steps = await asyncio.to_thread(
        browse, f"{page_origin}/?api={api_url}&show={show_id}", tmp_path / "chromium-profile"
    )

    by_name = {step["step"]: step for step in steps}
    assert [(s["step"], s["status"]) for s in steps] == [
        ("register", 201),
        ("login", 200),
        ("refresh", 200),
        ("book", 201),
        ("reuse", 401),
    ]
    assert by_name["refresh"]["body"]["refresh_token"] != by_name["login"]["body"]["refresh_token"]
    booked = by_name["book"]
    assert (booked["body"]["status"], booked["body"]["quantity"]) == ("confirmed", 2)
    assert booked["location"] is not None, "Location is exposed to the page"
    assert all(step["request_id"] for step in steps), "X-Request-ID is exposed to the page"
    assert by_name["reuse"]["body"]["status"] == 401
