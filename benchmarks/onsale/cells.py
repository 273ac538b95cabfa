"""One cell of the on-sale benchmark: a workload on its own database, its rounds, its audit."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

from boxoffice.embedded import EmbeddedStore

from .measure import Round
from .processes import Processes, audit, server_log_tails, servers, store_link
from .report import CellResult, describe, summary
from .workload import Stack, client_session, run_round, sign_in, split


@dataclass(frozen=True)
class Cell:
    shows: int
    rtt_ms: float
    modes: tuple[str, ...]
    rounds: int
    servers: int = 1

    @property
    def name(self) -> str:
        shows = "1 show" if self.shows == 1 else f"{self.shows} shows"
        processes = f", {self.servers} processes" if self.servers > 1 else ""
        return f"{shows}, {self.rtt_ms:g} ms{processes}"


@dataclass(frozen=True)
class Load:
    """What every cell shares: buyers, seats per round, and whether requests carry keys."""

    concurrency: int
    seats: int
    with_keys: bool


@dataclass(frozen=True)
class Where:
    """Where a cell runs: its servers, the processes to measure, the store and the database."""

    bases: list[str]
    processes: Processes
    store_uri: str
    db_name: str


async def play(cell: Cell, load: Load, where: Where, rounds: list[Round]) -> None:
    """Sign buyers in, then the cell's rounds, each alternating its modes; prints each round."""
    async with client_session(load.concurrency) as session:
        admin, buyers = await sign_in(
            session, where.bases, where.store_uri, where.db_name, load.concurrency
        )
        stack = Stack(session, where.bases, admin, buyers, where.processes, load.with_keys)
        for number in range(1, cell.rounds + 1):
            for mode in cell.modes:
                result = await run_round(stack, mode, split(load.seats, cell.shows))
                print(f"round {number}  {describe(result)}", flush=True)
                rounds.append(result)


def run_cell(cell: Cell, load: Load, store: EmbeddedStore, workdir: Path) -> CellResult:
    """Fresh database, server processes (behind the delay proxy, if any), rounds, then audit.

    A cell that fails keeps the rounds it finished and is still audited; the
    servers' last log lines are printed, and the next cell runs.
    """
    db_name = f"onsale_{uuid.uuid4().hex[:8]}"
    print(f"\n== {cell.name}: {load.concurrency} buyers, {load.seats} seats, {db_name}", flush=True)
    rounds: list[Round] = []
    error = None
    with (
        store_link(store, cell.rtt_ms) as (uri, proxy),
        servers(uri, db_name, cell.servers, workdir) as (bases, pids),
    ):
        where = Where(bases, Processes(pids, store.pid or 0, proxy), store.uri, db_name)
        try:
            asyncio.run(play(cell, load, where, rounds))
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}".removesuffix(": ")
            print(f"cell failed: {error}\n{server_log_tails(workdir, db_name)}", flush=True)
    summary(rounds)
    print("audit of the log:")
    return CellResult(cell.name, rounds, audit(store.uri, db_name), error)
