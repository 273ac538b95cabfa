"""The ``replay`` and ``audit`` commands; ``boxoffice.cli`` registers them on its group."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from pymongo.asynchronous.database import AsyncDatabase
from rich.console import Console
from rich.progress import Progress

from boxoffice.cli_support import operator_errors, run_with_store, settings_from
from boxoffice.eventstore import MongoEventStore
from boxoffice.seals.export import read_checkpoints
from boxoffice.seals.keys import verifying_key

from .auditing import AuditReport, audit_log
from .reading import last_position
from .records import json_line
from .replay import replay as replay_events
from .seal_audit import NoPublicKey
from .selection import Selection
from .table import table_header, table_row
from .violations import Violation

Document = dict[str, Any]
PROGRESS_STEPS = 500
T = TypeVar("T")


def iso_time(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 time option; without a zone it is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _run(
    ctx: click.Context, work: Callable[[AsyncDatabase[Document], MongoEventStore], Awaitable[T]]
) -> T:
    """``work`` against the configured store; operator errors end in one line, not a traceback."""
    return operator_errors(run_with_store)(settings_from(ctx), work)


def _silence_stdout() -> None:
    """After the reader went away: send what is still buffered to /dev/null, not to a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _report(violation: Violation) -> None:
    click.echo(violation.line(), err=True)


@click.command()
@click.option("--stream", "streams", multiple=True, help="Only this stream (repeatable).")
@click.option("--booking", "booking_id", help="Only events of this booking.")
@click.option("--order", "order_id", help="Only events of this order.")
@click.option("--ticket", "ticket_id", help="Only events of this ticket.")
@click.option("--show", "show_id", help="Only events of this show.")
@click.option("--type", "types", multiple=True, help="Only this event type (repeatable).")
@click.option("--since", callback=iso_time, metavar="TIME", help="Recorded at or after (ISO 8601).")
@click.option("--until", callback=iso_time, metavar="TIME", help="Recorded before (ISO 8601).")
@click.option("--from-position", type=click.IntRange(min=1), default=1, help="First position.")
@click.option(
    "--format", "format_", type=click.Choice(["json", "table"]), default="json", show_default=True
)
@click.option("--verify", is_flag=True, help="Check the hash chain of the printed events.")
@click.pass_context
def replay(
    ctx: click.Context,
    streams: tuple[str, ...],
    booking_id: str | None,
    order_id: str | None,
    ticket_id: str | None,
    show_id: str | None,
    types: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    from_position: int,
    format_: str,
    verify: bool,
) -> None:
    """Print the log in global order, one JSON object per line (secrets redacted).

    With --verify, exit 1 when a printed event's hash or its link to the
    previous printed event of its stream is broken.
    """
    selection = Selection(
        streams=streams,
        booking_id=booking_id,
        order_id=order_id,
        ticket_id=ticket_id,
        show_id=show_id,
        types=types,
        since=since,
        until=until,
        from_position=from_position,
    )
    render = table_row if format_ == "table" else json_line

    async def work(database: AsyncDatabase[Document], store: MongoEventStore) -> int:
        if format_ == "table":
            sys.stdout.write(table_header() + "\n")
        return await replay_events(
            store.commits, selection, sys.stdout, render, verify=verify, report=_report
        )

    try:
        problems = _run(ctx, work)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return
    if problems:
        click.echo(f"replay: {problems} problem(s) found", err=True)
        ctx.exit(1)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A bar on a terminal, nothing when piped; redrawn every 1/PROGRESS_STEPS of the log."""
    console = Console(stderr=True)
    if not console.is_terminal or total == 0:
        yield lambda position: None
        return
    step = max(1, total // PROGRESS_STEPS)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("auditing", total=total)

        def advance(position: int) -> None:
            if position % step == 0:
                bar.update(task, completed=position)

        yield advance


FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.option(
    "--public-key",
    "public_key_file",
    type=FILE,
    help="PEM key to verify the seals with (default: the seal key file's public half).",
)
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=FILE,
    help="Seals saved earlier (`seals export` or a copy of the export file), JSON lines.",
)
@click.pass_context
def audit(ctx: click.Context, public_key_file: Path | None, checkpoints_file: Path | None) -> None:
    """Replay the whole log and verify its invariants; exit 1 on any violation.

    Checks rising positions (every number an event or sealed), gapless versions, the hash chain, seats within 0 and
    capacity, one decision per request, cancellations of confirmed bookings
    only, per-user limits, causal order across streams, one ticket per seat
    sold, revoked only when its booking or order was cancelled and admitted at
    most once, that the read models
    agree with the log field by field (run it when projectors have caught up,
    or their lag shows up as notes), and that the log still holds what its
    signed seals, and the checkpoints you saved, say it held.
    """

    async def work(database: AsyncDatabase[Document], store: MongoEventStore) -> AuditReport:
        public_key = verifying_key(settings_from(ctx), public_key_file)
        saved = read_checkpoints(checkpoints_file) if checkpoints_file else []
        with _progress(await last_position(store.commits)) as progress:
            try:
                return await audit_log(
                    database,
                    store,
                    report=lambda v: click.echo(v.line()),
                    progress=progress,
                    public_key=public_key,
                    saved=saved,
                )
            except NoPublicKey as exc:
                raise click.ClickException(str(exc)) from None

    report = _run(ctx, work)
    click.echo(report.summary())
    for note in report.notes:
        click.echo(note)
    if report.violations:
        click.echo(f"audit failed: {report.violations} violation(s)")
        ctx.exit(1)
    click.echo("audit passed")
