"""``boxoffice users``: account administration; ``boxoffice.cli`` registers the group."""

from __future__ import annotations

import click
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli_support import operator_errors, run_with_store, settings_from
from boxoffice.commands.users import grant_admin
from boxoffice.control_characters import escape_controls
from boxoffice.database import Document
from boxoffice.domain.emails import normalise_email
from boxoffice.domain.users import UnknownUser
from boxoffice.eventstore import MongoEventStore


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("grant-admin")
@click.argument("email")
@click.pass_context
def grant_admin_command(ctx: click.Context, email: str) -> None:
    """Give the user with EMAIL the admin role (their next login carries it)."""

    async def work(database: AsyncDatabase[Document], store: MongoEventStore) -> bool:
        return await grant_admin(store, email)

    @operator_errors
    def run() -> bool:
        try:
            return run_with_store(settings_from(ctx), work)
        except UnknownUser:
            raise click.ClickException(
                f"no user with e-mail {escape_controls(normalise_email(email))}"
            ) from None

    granted = run()
    shown = escape_controls(normalise_email(email))
    click.echo(f"{shown} is now an admin" if granted else f"{shown} is already an admin")
