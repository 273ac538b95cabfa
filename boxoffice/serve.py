"""``boxoffice serve``: the HTTP API on a port claimed first, with its own embedded store.

On SIGTERM the server drains: /ready answers 503 at once and the server keeps
serving for DRAIN_SECONDS, so requests already sent on accepted connections
are read and answered instead of being reset with their connection; then it
stops accepting and gives in-flight requests up to SHUTDOWN_TIMEOUT_SECONDS
(aiohttp's graceful shutdown), then the booking queues their own grace period
(BookingQueues.close). Ctrl-C (SIGINT) and a second SIGTERM skip the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import socket
from collections.abc import Iterator

import click
from aiohttp import web

from boxoffice.cli_support import operator_errors, store_errors
from boxoffice.embedded import EmbeddedStore
from boxoffice.http import keys
from boxoffice.logs import configure_logging
from boxoffice.settings import Settings, load_settings

DRAIN_SECONDS = 1.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0


def listening_socket(host: str, port: int) -> socket.socket:
    """The API's socket, bound before the store starts: a busy port is one line, nothing to undo."""
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        return socket.create_server(address, family=family)
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None


def raise_open_files_limit() -> None:
    """Take the hard limit on open files: each connection is one, and the soft limit is often 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, hard), hard))


@contextlib.contextmanager
def own_store(settings: Settings) -> Iterator[str]:
    """MONGODB_URI, else an embedded store of this server's own.

    Never a store another process runs on the data directory: this server would
    answer 503 for good once that process stopped. Its lock refuses a second one.
    """
    if settings.mongodb_uri:
        yield settings.mongodb_uri
        return
    with EmbeddedStore(settings.data_dir, supervise=True) as store:
        click.echo(f"embedded store: {store.uri} (data in {store.data_dir})", err=True)
        yield store.uri


@click.command()
@click.option("--host", help="Interface to listen on (BOXOFFICE_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (BOXOFFICE_PORT, default 8080).")
@click.pass_context
@operator_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Run the HTTP API (starts the embedded store when MONGODB_URI is unset)."""
    from boxoffice.http.app import create_app

    settings = load_settings(**ctx.obj, host=host, port=port)
    configure_logging()
    raise_open_files_limit()
    with (
        listening_socket(settings.host, settings.port) as sock,
        own_store(settings) as uri,
        store_errors(uri),
    ):
        asyncio.run(serve_until_stopped(create_app(settings, uri), sock))


async def serve_until_stopped(app: web.Application, sock: socket.socket) -> None:
    stop = _stop_on_signals(app[keys.DRAINING])  # before start-up, which can take seconds
    runner = web.AppRunner(
        app, handle_signals=False, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS
    )
    try:
        await runner.setup()
        site = web.SockSite(runner, sock)
        await site.start()
        click.echo(f"serving on {site.name} (Ctrl-C to stop)", err=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def _stop_on_signals(draining: asyncio.Event) -> asyncio.Event:
    """Set on SIGINT, or DRAIN_SECONDS after a SIGTERM (at once after a second one)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def terminate() -> None:
        if draining.is_set():
            stop.set()
        draining.set()
        loop.call_later(DRAIN_SECONDS, stop.set)

    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, terminate)
    return stop
