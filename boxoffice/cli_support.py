"""What every ``boxoffice`` command shares: settings, the store, and failures as one line.

The command modules import this module and ``boxoffice.cli`` imports them, so the
imports point one way.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import click
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError

from boxoffice.database import Document, connect
from boxoffice.embedded import EmbeddedStore, EmbeddedStoreError, holds_a_store, running_store
from boxoffice.eventstore import EventStoreError, MongoEventStore, StoreUnavailable
from boxoffice.settings import ConfigError, Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
MAX_DETAIL = 160
# The hosts of a MongoDB URI, without the credentials that may come before them.
_HOSTS = re.compile(r"^mongodb(?:\+srv)?://(?:[^@/]*@)?(?P<hosts>[^/?]*)")


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


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= MAX_DETAIL else line[: MAX_DETAIL - 1] + "…"


def _hosts(uri: str) -> str:
    found = _HOSTS.match(uri)
    return found["hosts"] if found else "MONGODB_URI"


@contextlib.contextmanager
def store_errors(uri: str) -> Iterator[None]:
    """The driver's and the store's failures as one short line (the driver's run to 600 characters)."""
    try:
        yield
    except (ConnectionFailure, StoreUnavailable):
        raise click.ClickException(f"store: no MongoDB answers at {_hosts(uri)}") from None
    except (PyMongoError, EventStoreError) as exc:
        raise click.ClickException(f"store: {_first_line(str(exc))}") from None


@contextlib.contextmanager
def command_store(settings: Settings) -> Iterator[str]:
    """MONGODB_URI, else the running server's store, else the data directory's store started here.

    A data directory that holds no store is an operator's mistake (a wrong path
    or working directory), not an empty log to report on.
    """
    if settings.mongodb_uri:
        yield settings.mongodb_uri
        return
    address = running_store(settings.data_dir)
    if address is not None:
        yield address.uri
        return
    if not holds_a_store(settings.data_dir):
        raise EmbeddedStoreError(
            f"no boxoffice store in {settings.data_dir.resolve()}; "
            "run `boxoffice serve` there first, or pass --data-dir or MONGODB_URI"
        )
    with EmbeddedStore(settings.data_dir) as store:
        yield store.uri


def run_with_store(
    settings: Settings, work: Callable[[AsyncDatabase[Document], MongoEventStore], Awaitable[T]]
) -> T:
    """Run ``work`` against the configured store; its failures end in one line.

    An embedded store is started here, in the main thread, before the event
    loop: its child process is tied to the thread that started it.
    """
    with command_store(settings) as uri, store_errors(uri):

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
