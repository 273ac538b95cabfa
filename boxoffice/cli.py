"""The ``boxoffice`` command line: serve, and the operator's tools around the log."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from aiohttp import web
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.audit.commands import audit, replay
from boxoffice.database import Document, connect
from boxoffice.embedded import EmbeddedStoreError, store_uri
from boxoffice.eventstore import MongoEventStore
from boxoffice.logs import configure_logging
from boxoffice.projections.cli import rebuild_command
from boxoffice.seals.cli import seals
from boxoffice.settings import ConfigError, Settings, load_settings
from boxoffice.users_cli import users

F = TypeVar("F", bound=Callable[..., Any])
# On SIGTERM, in-flight requests get this long to finish (aiohttp's default is 60 s), then the
# booking queues get their own grace period (BookingQueues.close) before the process exits.
SHUTDOWN_TIMEOUT_SECONDS = 10.0


def operator_errors(command: F) -> F:
    """Configuration and store failures end in one clear line and a non-zero exit, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        except EmbeddedStoreError as exc:
            raise click.ClickException(f"store: {exc}") from None

    return wrapper  # type: ignore[return-value]


def settings_from(ctx: click.Context) -> Settings:
    return load_settings(**ctx.obj)


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides BOXOFFICE_DATA_DIR.")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """boxoffice: an event-sourced ticket-booking backend."""
    ctx.obj = {"data_dir": data_dir}


@main.command()
@click.option("--host", help="Interface to listen on (BOXOFFICE_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (BOXOFFICE_PORT, default 8080).")
@click.pass_context
@operator_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the HTTP API (starts the embedded store when MONGODB_URI is unset)."""
    from boxoffice.http.app import create_app

    settings = load_settings(**ctx.obj, host=host, port=port)
    configure_logging()
    with store_uri(settings.mongodb_uri, settings.data_dir, supervise=True) as uri:
        if not settings.mongodb_uri:
            click.echo(f"embedded store: {uri} (data in {settings.data_dir.resolve()})", err=True)
        web.run_app(
            create_app(settings, uri),
            host=settings.host,
            port=settings.port,
            print=lambda line: click.echo(line, err=True),
            access_log=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
        )


T = TypeVar("T")


def run_with_store(
    settings: Settings, work: Callable[[AsyncDatabase[Document], MongoEventStore], Awaitable[T]]
) -> T:
    """Run ``work`` against the configured store: MONGODB_URI, the running server's, or our own.

    The embedded store is started here, in the main thread, before the event
    loop: its child process is tied to the thread that started it.
    """
    with store_uri(settings.mongodb_uri, settings.data_dir) as uri:

        async def connected() -> T:
            client = connect(uri)
            try:
                database = client[settings.db_name]
                store = MongoEventStore(database)
                await store.ensure_indexes()
                return await work(database, store)
            finally:
                await client.close()

        return asyncio.run(connected())


main.add_command(replay)
main.add_command(audit)
main.add_command(users)
main.add_command(rebuild_command)
main.add_command(seals)
