"""One cell of the on-sale benchmark: a workload on its own database, its rounds, its audit."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from boxoffice.embedded import EmbeddedStore

from .measure import Round
from .processes import Processes, audit, servers, store_link
from .report import CellResult, describe, summary
from .workload import Stack, run_round, sign_in, split


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


async def play(
    cell: Cell, load: Load, bases: list[str], processes: Processes, store_uri: str, db_name: str
) -> list[Round]:
    """Sign buyers in, then the cell's rounds, each alternating its modes; prints each round."""
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=load.concurrency * 2)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        admin, buyers = await sign_in(session, bases, store_uri, db_name, load.concurrency)
        stack = Stack(session, bases, admin, buyers, processes, load.with_keys)
        results = []
        for number in range(1, cell.rounds + 1):
            for mode in cell.modes:
                result = await run_round(stack, mode, split(load.seats, cell.shows))
                print(f"round {number}  {describe(result)}", flush=True)
                results.append(result)
        return results


def run_cell(cell: Cell, load: Load, store: EmbeddedStore, workdir: Path) -> CellResult:
    """Fresh database, server processes (behind the delay proxy, if any), rounds, then audit."""
    db_name = f"onsale_{uuid.uuid4().hex[:8]}"
    print(f"\n== {cell.name}: {load.concurrency} buyers, {load.seats} seats, {db_name}", flush=True)
    with (
        store_link(store, cell.rtt_ms) as (uri, proxy),
        servers(uri, db_name, cell.servers, workdir) as (bases, pids),
    ):
        processes = Processes(pids, store.pid or 0, proxy)
        rounds = asyncio.run(play(cell, load, bases, processes, store.uri, db_name))
    summary(rounds)
    print("audit of the log:")
    return CellResult(cell.name, rounds, audit(store.uri, db_name))
