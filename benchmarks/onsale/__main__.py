"""`python -m benchmarks.onsale`: the cells the options ask for, then the final table."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from boxoffice.embedded import EmbeddedStore

from . import __doc__ as usage
from .cells import Cell, Load, run_cell
from .report import table
from .workload import MODES

MATRIX = [(1, 0.0), (1, 2.0), (100, 0.0), (100, 2.0)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.onsale",
        description=usage,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--concurrency", type=int, default=64, help="buyers (default 64)")
    parser.add_argument("--seats", type=int, default=3000, help="seats per round (default 3000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per cell (default 3)")
    parser.add_argument("--shows", type=int, default=1, help="shows the seats are split over")
    parser.add_argument(
        "--store-rtt-ms", type=float, default=0.0, help="round trip the delay proxy adds (0: none)"
    )
    parser.add_argument(
        "--matrix",
        action="store_true",
        help="cells {1, 100 shows} x {0, 2 ms}: overrides the two above",
    )
    parser.add_argument("--no-scale-out", action="store_true", help="skip the two-process cell")
    parser.add_argument(
        "--without-keys",
        action="store_true",
        help="send no Idempotency-Key (the baseline implements none): compares the pipelines alone",
    )
    parser.add_argument(
        "--orders",
        action="store_true",
        help="also place orders of one seat (held, not paid) instead of booking: the paid path",
    )
    parser.add_argument("--only", choices=MODES, help="one mode, e.g. to profile")
    args = parser.parse_args()
    if min(args.concurrency, args.rounds, args.shows) < 1 or args.store_rtt_ms < 0:
        parser.error("--concurrency, --rounds and --shows start at 1, --store-rtt-ms at 0")
    if args.seats < max(shows for shows, _ in grid(args)):
        parser.error("every show needs at least one seat: --seats below the number of shows")
    return args


def grid(args: argparse.Namespace) -> list[tuple[int, float]]:
    """The (shows, store round trip) of each cell before scale-out."""
    return MATRIX if args.matrix else [(args.shows, args.store_rtt_ms)]


def cells(args: argparse.Namespace) -> list[Cell]:
    modes = (args.only,) if args.only else tuple(m for m in MODES if args.orders or m != "orders")
    planned = [Cell(shows, rtt_ms, modes, args.rounds) for shows, rtt_ms in grid(args)]
    if not args.no_scale_out:
        shows, rtt_ms = grid(args)[-1]
        planned.append(Cell(shows, rtt_ms, ("ours",), rounds=1, servers=2))
    return planned


def main() -> None:
    args = parse_args()
    load = Load(args.concurrency, args.seats, with_keys=not args.without_keys)
    with tempfile.TemporaryDirectory() as scratch, EmbeddedStore(Path(scratch) / "store") as store:
        results = [run_cell(cell, load, store, Path(scratch)) for cell in cells(args)]
    print()
    table(results)
    sys.exit(0 if all(r.passed for r in results) else 1)


if __name__ == "__main__":
    main()
