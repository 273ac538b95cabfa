"""`boxoffice serve` as an operator runs it: a real process, a real embedded store, real signals."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from boxoffice.embedded import ADDRESS_FILE, EmbeddedStore, EmbeddedStoreError, free_port

pytestmark = pytest.mark.slow


def boxoffice(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOXOFFICE_", "MONGODB"))
    }
    environment.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "boxoffice", *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def serving(port: int, cwd: Path) -> subprocess.Popen[str]:
    log = cwd / "serve.log"
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOXOFFICE_", "MONGODB"))
    }
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "boxoffice", "serve", "--port", str(port)],
            cwd=cwd, env=environment, stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip


def wait_for_health(port: int, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no 200 from /health within {within}s")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_answers_health_then_stops_with_its_store(tmp_path: Path, stop_signal: int) -> None:
    port = free_port()
    server = serving(port, tmp_path)
    try:
        wait_for_health(port, within=10)
        store_pid = json.loads((tmp_path / ".boxoffice" / ADDRESS_FILE).read_text())["pid"]
        server.send_signal(stop_signal)
        server.wait(timeout=15)
    finally:
        server.kill()
    deadline = time.monotonic() + 5
    while alive(store_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(store_pid)
    assert not (tmp_path / ".boxoffice" / ADDRESS_FILE).exists()


def test_killed_server_takes_its_store_down_with_it(tmp_path: Path) -> None:
    port = free_port()
    server = serving(port, tmp_path)
    wait_for_health(port, within=10)
    store_pid = json.loads((tmp_path / ".boxoffice" / ADDRESS_FILE).read_text())["pid"]
    server.kill()
    server.wait()
    deadline = time.monotonic() + 5
    while alive(store_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(store_pid)


def test_a_second_store_on_the_same_data_directory_is_refused(tmp_path: Path) -> None:
    with (
        EmbeddedStore(tmp_path),
        pytest.raises(EmbeddedStoreError, match="another boxoffice store"),
    ):
        EmbeddedStore(tmp_path).start()


def test_a_second_serve_on_the_same_data_directory_is_refused_in_one_line(tmp_path: Path) -> None:
    port = free_port()
    first = serving(port, tmp_path)
    try:
        wait_for_health(port, within=10)
        second = boxoffice("serve", "--port", str(free_port()), cwd=tmp_path)
        _, err = second.communicate(timeout=30)
    finally:
        first.terminate()
        first.wait(timeout=15)
    data_dir = (tmp_path / ".boxoffice").resolve()
    assert second.returncode != 0 and err.count("\n") == 1
    assert err.startswith(
        f"Error: store: another boxoffice store is running on {data_dir} (pid {first.pid})"
    )


def test_the_data_directory_and_its_files_are_private(tmp_path: Path) -> None:
    port = free_port()
    server = serving(port, tmp_path)
    try:
        wait_for_health(port, within=10)
        data_dir = tmp_path / ".boxoffice"
        entries = [data_dir, *data_dir.rglob("*")]
        modes = {
            p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in entries
        }
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert {"jwt-secret", "store.json", "store.log", "db"} <= {p.name for p in entries}
    assert any(p.suffix == ".db" for p in entries)
    for name, mode in modes.items():
        assert mode == (0o700 if (tmp_path / name).is_dir() else 0o600), (name, oct(mode))


def test_a_world_readable_data_directory_is_made_private_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path / ".boxoffice"
    (data_dir / "db").mkdir(parents=True, mode=0o755)
    (data_dir / "jwt-secret").write_text("x" * 48)
    (data_dir / "jwt-secret").chmod(0o644)
    with EmbeddedStore(data_dir):
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "db").stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "jwt-secret").stat().st_mode) == 0o600


def test_a_restarted_store_leaves_nothing_but_json_in_the_log(tmp_path: Path) -> None:
    port = free_port()
    server = serving(port, tmp_path)
    try:
        wait_for_health(port, within=10)
        address = tmp_path / ".boxoffice" / ADDRESS_FILE
        first_store = json.loads(address.read_text())["pid"]
        os.kill(first_store, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while json.loads(address.read_text())["pid"] == first_store:
            assert time.monotonic() < deadline, "the store was not restarted"
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=15)
    logged = (tmp_path / "serve.log").read_text().splitlines()
    banner = [line for line in logged if not line.startswith("{")]
    assert len(banner) == 2, banner  # the store's address, "serving on"
    assert any(
        "restarting it" in json.loads(line)["event"] for line in logged if line.startswith("{")
    )


def test_invalid_configuration_fails_with_one_clear_line(tmp_path: Path) -> None:
    server = boxoffice("serve", cwd=tmp_path, env={"BOXOFFICE_PORT": "eighty"})
    _, err = server.communicate(timeout=30)
    assert server.returncode != 0
    assert err.strip().count("\n") == 0 and "BOXOFFICE_PORT" in err


def test_production_refuses_to_start_without_mongodb_uri(tmp_path: Path) -> None:
    server = boxoffice("serve", cwd=tmp_path, env={"BOXOFFICE_ENV": "production"})
    _, err = server.communicate(timeout=30)
    assert server.returncode != 0 and "MONGODB_URI" in err and "Traceback" not in err


def test_production_refuses_a_short_jwt_secret(tmp_path: Path) -> None:
    env = {
        "BOXOFFICE_ENV": "production",
        "MONGODB_URI": "mongodb://127.0.0.1:1",
        "BOXOFFICE_JWT_SECRET": "short",
    }
    server = boxoffice("serve", cwd=tmp_path, env=env)
    _, err = server.communicate(timeout=30)
    assert server.returncode != 0 and "32 bytes" in err and "Traceback" not in err
