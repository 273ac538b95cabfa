"""The on-sale benchmark's processes: delay proxy, server processes, the CLI, and their CPU time."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from boxoffice.embedded import EmbeddedStore, free_port, uri_for

SECRET = "benchmark-secret-" + "s" * 40
ROOT = Path(__file__).resolve().parents[2]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


@dataclass(frozen=True)
class Processes:
    servers: list[int]
    store: int
    proxy: int | None

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far per role; the load generator is this process."""
        return {
            "server": cpu_seconds(self.servers),
            "store": cpu_seconds([self.store]),
            "proxy": cpu_seconds([self.proxy]) if self.proxy else 0.0,
            "load generator": cpu_seconds([os.getpid()]),
        }


def server_env(uri: str, db_name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOXOFFICE_")}
    env.update(
        MONGODB_URI=uri,
        BOXOFFICE_DB_NAME=db_name,
        BOXOFFICE_ENV="test",
        BOXOFFICE_JWT_SECRET=SECRET,
        BOXOFFICE_BCRYPT_ROUNDS="4",
        BOXOFFICE_REGISTER_RATE="1000000/minute",
        BOXOFFICE_LOGIN_RATE="1000000/minute",
        BOXOFFICE_BOOKING_RATE="1000000/minute",
    )
    return env


@contextmanager
def store_link(store: EmbeddedStore, rtt_ms: float) -> Iterator[tuple[str, int | None]]:
    """The URI servers reach the store by, and the delay proxy's pid: none at 0 ms.

    The proxy's URI connects directly, or the driver would learn the store's
    real address from `hello` and go around the proxy.
    """
    if rtt_ms == 0:
        yield store.uri, None
        return
    port = free_port()
    command = [
        sys.executable, "-m", "benchmarks.delay_proxy",
        "--target", f"127.0.0.1:{store.port}", "--port", str(port), "--rtt-ms", str(rtt_ms),
    ]  # fmt: skip
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proxy:
        try:
            assert proxy.stdout is not None
            if proxy.stdout.readline().strip() != "ready":
                raise RuntimeError("the delay proxy did not start")
            yield uri_for(port), proxy.pid
        finally:
            proxy.terminate()


@contextmanager
def servers(
    uri: str, db_name: str, count: int, workdir: Path
) -> Iterator[tuple[list[str], list[int]]]:
    """Server processes (benchmarks/server.py) on the store: their base URLs and pids."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", "--port", str(port)],
            env=server_env(uri, db_name),
            cwd=ROOT,
            stdout=(workdir / f"server-{db_name}-{port}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        yield [f"http://127.0.0.1:{port}" for port in ports], [p.pid for p in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def server_log_tails(workdir: Path, db_name: str, lines: int = 20) -> str:
    """The last lines each of a cell's servers logged, to see why it failed."""
    return "\n".join(
        f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
        for log in sorted(workdir.glob(f"server-{db_name}-*.log"))
    )


def cli(uri: str, db_name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`boxoffice ARGS` on the store directly, never through the proxy."""
    return subprocess.run(
        [sys.executable, "-m", "boxoffice", *args],
        env=server_env(uri, db_name),
        capture_output=True,
        text=True,
        check=False,
    )


def grant_admin(uri: str, db_name: str, email: str) -> None:
    completed = cli(uri, db_name, "users", "grant-admin", email)
    if completed.returncode != 0:
        raise RuntimeError(f"grant-admin failed: {completed.stdout}{completed.stderr}")


def audit(uri: str, db_name: str) -> bool:
    """`boxoffice audit` over the database, its report printed; True if it passed."""
    completed = cli(uri, db_name, "audit")
    print((completed.stdout + completed.stderr).strip(), flush=True)
    return completed.returncode == 0
