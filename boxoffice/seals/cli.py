"""``boxoffice seals``: the public key an auditor keeps, and the seals an auditor saves."""

from __future__ import annotations

import click
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli_support import operator_errors, run_with_store, settings_from
from boxoffice.database import Document
from boxoffice.eventstore import EventStoreError, MongoEventStore

from .keys import key_id, public_pem, signing_key
from .records import SealRecords
from .seal import MalformedSeal


@click.group()
def seals() -> None:
    """Signed checkpoints of the log."""


@seals.command("public-key")
@click.pass_context
def public_key_command(ctx: click.Context) -> None:
    """Print the PEM public key that verifies the seals (its key id on stderr).

    Keep it away from the database: `boxoffice audit --public-key FILE` checks with it.
    """

    @operator_errors
    def run() -> None:
        public_key = signing_key(settings_from(ctx)).public_key()
        click.echo(public_pem(public_key), nl=False)
        click.echo(f"key id: {key_id(public_key)}", err=True)

    run()


@seals.command("export")
@click.pass_context
def export_command(ctx: click.Context) -> None:
    """Print every seal in the store as JSON lines, in position order.

    Save the output somewhere the database's writers cannot reach; later,
    `boxoffice audit --checkpoints FILE` proves the log still holds what was sealed.
    """

    async def work(database: AsyncDatabase[Document], store: MongoEventStore) -> int:
        unreadable = 0
        async for found in SealRecords(database).all():
            if isinstance(found, MalformedSeal):
                click.echo(f"unreadable seal: {found}", err=True)
                unreadable += 1
            else:
                click.echo(found.json_line())
        return unreadable

    @operator_errors
    def run() -> int:
        try:
            return run_with_store(settings_from(ctx), work)
        except EventStoreError as exc:
            raise click.ClickException(f"store: {exc}") from None

    if run():
        ctx.exit(1)
