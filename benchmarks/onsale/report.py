"""What the on-sale benchmark prints: a line per round, medians per cell, the final table."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from .measure import Round
from .workload import ANSWER_SECONDS


def median(rounds: list[Round], mode: str, figure: Callable[[Round], float]) -> float | None:
    """The median of a figure over the mode's rounds; None if the mode did not run."""
    of_mode = [figure(r) for r in rounds if r.mode == mode]
    return statistics.median(of_mode) if of_mode else None


@dataclass(frozen=True)
class CellResult:
    name: str
    rounds: list[Round]
    audited: bool
    error: str | None = None

    def median(self, mode: str, figure: Callable[[Round], float]) -> float | None:
        return median(self.rounds, mode, figure)

    @property
    def oversold(self) -> int:
        return sum(r.oversold for r in self.rounds)

    @property
    def unanswered(self) -> int:
        return sum(r.unanswered for r in self.rounds)

    @property
    def exact(self) -> bool:
        return all(r.exact for r in self.rounds)

    @property
    def passed(self) -> bool:
        return self.audited and self.exact and not self.unanswered and not self.error


def per_second(r: Round) -> float:
    return r.per_second


def p99(r: Round) -> float:
    return r.percentile(0.99)


def server_cpu(r: Round) -> float:
    return r.cpu_ms_per_booking("server")


def store_cpu(r: Round) -> float:
    return r.cpu_ms_per_booking("store")


def sold(r: Round) -> str:
    unanswered = f", {r.unanswered} NOT ANSWERED in {ANSWER_SECONDS:.0f} s" if r.unanswered else ""
    if r.mode == "ceiling":
        return f"{r.confirmed:6d} answered{unanswered}"
    left = f", {r.shows_not_at_zero} shows read seats left" if r.shows_not_at_zero else ""
    verdict = "exact" if r.exact else f"NOT EXACT{left}"
    return f"{r.confirmed:6d} of {r.seats} sold, {verdict}{unanswered}"


def cpu(r: Round) -> str:
    roles = [role for role, used in r.usage.cpu.items() if role != "proxy" or used]
    return " ".join(f"{role} {r.cpu_ms_per_booking(role):4.2f}" for role in roles)


def describe(r: Round) -> str:
    lag = f"   worst projection lag {r.usage.lag_events:.0f} events / {r.usage.lag_seconds:.2f} s"
    return (
        f"{r.mode:9} {sold(r)} in {r.usage.seconds:6.2f} s = {r.per_second:7.0f}/s   "
        f"p50 {r.percentile(0.5):6.1f} ms   p99 {p99(r):6.1f} ms   round trips/booking "
        f"{r.usage.store_commands / max(1, r.confirmed):4.2f}   CPU ms/booking: {cpu(r)}"
        + (lag if r.mode in ("ours", "orders") else "")
    )


def summary(rounds: list[Round]) -> None:
    if rounds:
        print("medians:")
    medians = {}
    for mode in dict.fromkeys(r.mode for r in rounds):
        medians[mode] = median(rounds, mode, per_second) or 0.0
        print(
            f"  {mode:9} {medians[mode]:7.0f} bookings/s   p99 {median(rounds, mode, p99):6.1f} ms"
        )
    for other in ("baseline", "ceiling"):
        if "ours" in medians and other in medians:
            print(f"  ours/{other:8} = {medians['ours'] / medians[other]:.2f}")
    if "ours" in medians and "orders" in medians:
        print(f"  orders/ours    = {medians['orders'] / medians['ours']:.2f}")


COLUMNS = (
    ("cell", 28), ("ours/s", 7), ("base/s", 7), ("ours/base", 9), ("p99 ours", 9), ("p99 base", 9),
    ("CPU ours", 11), ("CPU base", 11), ("orders/s", 8), ("orders/ours", 11), ("oversell", 8),
    ("exact", 5), ("no answer", 9), ("audit", 6),
)  # fmt: skip


def figure(value: float | None, form: str, unit: str = "") -> str:
    return "-" if value is None else format(value, form) + unit


def cpu_split(result: CellResult, mode: str) -> str:
    """Median CPU ms per booking, server + store, e.g. 0.65+0.45."""
    server, store = result.median(mode, server_cpu), result.median(mode, store_cpu)
    return "-" if server is None or store is None else f"{server:.2f}+{store:.2f}"


def row(result: CellResult) -> list[str]:
    ours, base = result.median("ours", per_second), result.median("baseline", per_second)
    orders = result.median("orders", per_second)
    return [
        result.name,
        figure(ours, ".0f"),
        figure(base, ".0f"),
        figure(ours / base if ours and base else None, ".2f"),
        figure(result.median("ours", p99), ".0f", " ms"),
        figure(result.median("baseline", p99), ".0f", " ms"),
        cpu_split(result, "ours"),
        cpu_split(result, "baseline"),
        figure(orders, ".0f"),
        figure(orders / ours if orders and ours else None, ".2f"),
        str(result.oversold),
        ("yes" if result.exact else "NO") if result.rounds else "-",
        str(result.unanswered),
        "passed" if result.audited else "FAILED",
    ]


def line(texts: list[str]) -> str:
    """The first column to the left, figures to the right."""
    widths = [width for _, width in COLUMNS]
    return "  ".join(
        [
            texts[0].ljust(widths[0]),
            *(t.rjust(w) for t, w in zip(texts[1:], widths[1:], strict=True)),
        ]
    )


def table(results: list[CellResult]) -> None:
    print("medians per cell; CPU is milliseconds per booking, server + store")
    print(line([name for name, _ in COLUMNS]))
    for result in results:
        print(line(row(result)))
    for result in results:
        if result.error:
            print(f"{result.name} stopped early: {result.error}")
