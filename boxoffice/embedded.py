"""The embedded MongoDB-compatible store (nx-27017) as a supervised child process.

With no ``MONGODB_URI`` the server and the CLI run nx-27017 on 127.0.0.1 and a
free port, with its SQLite files under the data directory. One flock on
``store.lock`` keeps a second store off the same files; the owner writes the
store's address to ``store.json`` so other commands can reach it.

``boxoffice serve`` also supervises it: a store that dies under a running
server is restarted on the same port and data directory, so the driver's
monitor finds it again and booking resumes without restarting the server.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from boxoffice.private_files import private_directory, private_opener, write_private

LOCK_FILE = "store.lock"
ADDRESS_FILE = "store.json"
START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 5.0
WATCH_INTERVAL_SECONDS = 0.2
RESTART_LIMIT = 5
RESTART_WINDOW_SECONDS = 60.0
RESTART_BACKOFF_SECONDS = 0.25
STORE_FILES = "db"

log = logging.getLogger(__name__)


class EmbeddedStoreError(RuntimeError):
    """The embedded store could not be started or reached."""


@dataclass(frozen=True)
class StoreAddress:
    uri: str
    pid: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uri_for(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/?directConnection=true&serverSelectionTimeoutMS=3000"


def answers(uri: str, timeout_ms: int = 500) -> bool:
    client: MongoClient[dict[str, object]] = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def holds_a_store(data_dir: Path) -> bool:
    """Whether an embedded store has ever run on ``data_dir``."""
    return (data_dir / STORE_FILES).is_dir()


class EmbeddedStore:
    """Owns one nx-27017 process for the lifetime of a ``with`` block.

    ``port`` pins the port (a test restarting a store where it was); by default
    a free one is picked.  With ``supervise`` a watchdog thread restarts a store
    that dies while we still want it, on the same port and data directory,
    at most RESTART_LIMIT times per RESTART_WINDOW_SECONDS with doubling
    backoff, so a store that keeps crashing is left down (booking answers 503)
    rather than restarted in a tight loop.  The watchdog is also what spawns
    the restarted child: PR_SET_PDEATHSIG fires when the spawning *thread*
    ends, and this thread lives exactly as long as we want the store.
    """

    def __init__(self, data_dir: Path, *, port: int | None = None, supervise: bool = False) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port or free_port()
        self.uri = uri_for(self.port)
        self._supervise = supervise
        self._lock_fd: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None

    def __enter__(self) -> EmbeddedStore:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        private_directory(self.data_dir)
        self._lock()
        self._stopping.clear()
        try:
            self._spawn()
        except BaseException:
            self.stop()
            raise
        if self._supervise:
            self._watchdog = threading.Thread(
                target=self._watch, name="embedded-store-watchdog", daemon=True
            )
            self._watchdog.start()

    def _watch(self) -> None:
        restarts: list[float] = []
        while not self._stopping.wait(WATCH_INTERVAL_SECONDS):
            process = self._process
            if process is None or process.poll() is None:
                continue
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < RESTART_WINDOW_SECONDS]
            if len(restarts) >= RESTART_LIMIT:
                log.error("embedded store died %d times within %.0fs; leaving it down",
                          len(restarts), RESTART_WINDOW_SECONDS)  # fmt: skip
                return
            restarts.append(now)
            log.warning("embedded store (pid %d) exited with code %s; restarting it on %s",
                        process.pid, process.returncode, self.uri)  # fmt: skip
            if self._stopping.wait(RESTART_BACKOFF_SECONDS * 2 ** (len(restarts) - 1)):
                return
            self._restart()

    def _restart(self) -> None:
        """One attempt; a store that did not come up is killed, and the next poll sees it dead."""
        try:
            self._spawn()
        except EmbeddedStoreError as exc:
            self._terminate()
            if not self._stopping.is_set():
                log.error("embedded store restart failed: %s", exc)

    def _lock(self) -> None:
        fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise EmbeddedStoreError(
                f"another boxoffice store is running on {self.data_dir}{self._owner()}; "
                "stop it first, or give this one another --data-dir"
            ) from None
        self._lock_fd = fd

    def _owner(self) -> str:
        """`` (pid N)`` of the process that holds the lock, when its address file says."""
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            return f" (pid {int(json.loads((self.data_dir / ADDRESS_FILE).read_text())['owner'])})"
        return ""

    def _spawn(self) -> None:
        db_dir = self.data_dir / STORE_FILES
        db_dir.mkdir(mode=0o700, exist_ok=True)
        command = [
            sys.executable, "-m", "boxoffice.store_process", str(os.getpid()),
            "--data-dir", str(db_dir), "--host", "127.0.0.1", "--port", str(self.port),
            "--log-file", str(self.data_dir / "store.log"),
            "--pid-file", str(self.data_dir / "store.pid"),
        ]  # fmt: skip
        with open(self.data_dir / "store.log", "ab", opener=private_opener) as out:
            self._process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        self._wait_until_answering()
        address = {"uri": self.uri, "pid": self._process.pid, "owner": os.getpid()}
        write_private(self.data_dir / ADDRESS_FILE, json.dumps(address))

    def _wait_until_answering(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not self._stopping.is_set():
            if self._process.poll() is not None:
                raise EmbeddedStoreError(
                    f"embedded store exited with code {self._process.returncode}; "
                    f"see {self.data_dir / 'store.log'}"
                )
            if answers(self.uri, timeout_ms=200):
                return
            time.sleep(0.05)
        raise EmbeddedStoreError(f"embedded store did not answer within {START_TIMEOUT_SECONDS}s")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        """Stop for good: the watchdog first, so it cannot restart what we terminate."""
        self._stopping.set()
        if self._watchdog is not None:
            self._watchdog.join()
            self._watchdog = None
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / ADDRESS_FILE).unlink()
        self._terminate()
        self._process = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _terminate(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def running_store(data_dir: Path) -> StoreAddress | None:
    """The address a running boxoffice server recorded, if that store still answers."""
    try:
        recorded = json.loads((data_dir / ADDRESS_FILE).read_text())
        address = StoreAddress(uri=str(recorded["uri"]), pid=int(recorded["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return address if answers(address.uri) else None
