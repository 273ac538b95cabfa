"""Seals as JSON lines: the append-only export file, and checkpoint files an auditor saved.

A line is appended with one ``write`` on a file opened for appending, then
flushed to disk, so processes sharing the file never interleave inside a line.
Lines may arrive out of position order when several processes seal; readers sort.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .seal import MalformedSeal, Seal, seal_from


def append_seal(path: Path, seal: Seal) -> None:
    """Blocking; the sealer runs it in a thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, (seal.json_line() + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_checkpoints(path: Path) -> list[Seal | MalformedSeal]:
    """Every line of a saved checkpoint file, in the file's order; blank lines skipped."""
    found: list[Seal | MalformedSeal] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise MalformedSeal("not a JSON object")
                found.append(seal_from(record))
            except (ValueError, MalformedSeal) as exc:
                found.append(MalformedSeal(f"{path.name} line {number}: {exc}"))
    return found
