"""Every command fails as an operator wants it to: one short line and a non-zero exit."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from boxoffice.embedded import free_port

from .test_cli_serve import boxoffice

pytestmark = pytest.mark.slow
UNREACHABLE = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500"
COMMANDS = [
    ["replay"],
    ["audit"],
    ["rebuild"],
    ["users", "grant-admin", "ada@example.com"],
]


def one_line_failure(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    process = boxoffice(*args, cwd=cwd, env=env)
    out, err = process.communicate(timeout=60)
    assert process.returncode not in (0, None), out + err
    assert err.count("\n") == 1 and len(err) < 200 and not out, err
    return err.strip()


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", free_port())) as taken:
        port = taken.getsockname()[1]
        line = one_line_failure("serve", "--port", str(port), cwd=tmp_path)
    assert line == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert not (tmp_path / ".boxoffice").exists()


def test_serve_with_an_unreachable_mongodb_uri_says_so_in_one_line(tmp_path: Path) -> None:
    env = {"MONGODB_URI": UNREACHABLE}
    line = one_line_failure("serve", "--port", str(free_port()), cwd=tmp_path, env=env)
    assert line == "Error: store: no MongoDB answers at 127.0.0.1:1"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_command_with_an_unreachable_mongodb_uri_says_so_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    line = one_line_failure(*command, cwd=tmp_path, env={"MONGODB_URI": UNREACHABLE})
    assert line == "Error: store: no MongoDB answers at 127.0.0.1:1"


def test_the_credentials_in_an_unreachable_uri_are_not_printed(tmp_path: Path) -> None:
    env = {"MONGODB_URI": "mongodb://ada:s3cret@127.0.0.1:1/?serverSelectionTimeoutMS=500"}
    line = one_line_failure("audit", cwd=tmp_path, env=env)
    assert "s3cret" not in line and "127.0.0.1:1" in line


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_command_on_a_data_directory_without_a_store_says_so_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "typo"
    line = one_line_failure("--data-dir", str(missing), *command, cwd=tmp_path)
    assert line.startswith(f"Error: store: no boxoffice store in {missing}")
    assert not missing.exists()


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    process = boxoffice("--version", cwd=tmp_path)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and out.strip() == "boxoffice 0.1.0"


@pytest.mark.parametrize("args", [["-h"], ["serve", "-h"], ["users", "grant-admin", "-h"]])
def test_dash_h_is_help(tmp_path: Path, args: list[str]) -> None:
    process = boxoffice(*args, cwd=tmp_path)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and out.startswith("Usage: boxoffice")
