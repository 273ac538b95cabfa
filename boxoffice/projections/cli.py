"""``boxoffice rebuild``: new generations of read models from the whole log, switched in live."""

from __future__ import annotations

import sys
from typing import Any

import click
from pymongo.asynchronous.database import AsyncDatabase
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from boxoffice.cli_support import operator_errors, run_with_store, settings_from
from boxoffice.eventstore import MongoEventStore

from .generations import GenerationConflict
from .read_models import READ_MODELS
from .rebuild import RebuildReport, rebuild

Document = dict[str, Any]


class EventsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} events/s" if speed else "- events/s")


async def _rebuild_showing_progress(
    database: AsyncDatabase[Document], store: MongoEventStore, names: tuple[str, ...]
) -> RebuildReport:
    models = [READ_MODELS[name] for name in names]
    if not sys.stdout.isatty():
        return await rebuild(database, store, models)
    columns = (
        TextColumn(f"rebuilding {', '.join(names)}"),
        BarColumn(),
        MofNCompleteColumn(),
        EventsPerSecond(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task("rebuild", total=await store.head_position())
        return await rebuild(
            database,
            store,
            models,
            progress=lambda done, known: bar.update(task, completed=done, total=known),
        )


@click.command(name="rebuild")
@click.option(
    "--projection",
    "projections",
    multiple=True,
    type=click.Choice(list(READ_MODELS)),
    help="Only this read model (repeatable); all by default.",
)
@click.pass_context
def rebuild_command(ctx: click.Context, projections: tuple[str, ...]) -> None:
    """Rebuild read models from the log while the server keeps serving the old ones."""
    names = projections or tuple(READ_MODELS)

    @operator_errors
    def run() -> RebuildReport:
        try:
            return run_with_store(
                settings_from(ctx), lambda db, store: _rebuild_showing_progress(db, store, names)
            )
        except GenerationConflict as exc:
            raise click.ClickException(f"rebuild: {exc}") from None

    click.echo(run().summary())
