"""The data directory is its owner's alone: the directory 0700, every file in it 0600.

It holds the embedded store's files and the dev JWT secret; anyone else on the
host who could read them could read the log or forge tokens.
"""

from __future__ import annotations

import os
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_opener(path: str, flags: int) -> int:
    """For ``open(..., opener=private_opener)``: a file created 0600 whatever the umask."""
    return os.open(path, flags, FILE_MODE)


def private_directory(path: Path) -> Path:
    """Create ``path`` 0700, or take an existing one (and everything in it) back to 0700/0600."""
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    path.chmod(DIRECTORY_MODE)
    for inner in path.rglob("*"):
        inner.chmod(DIRECTORY_MODE if inner.is_dir() else FILE_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    with open(path, "w", opener=private_opener) as out:
        out.write(text)
