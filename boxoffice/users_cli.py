"""``boxoffice users``: account administration; ``boxoffice.cli`` registers the group."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import click
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.cli_support import operator_errors, run_with_store, settings_from
from boxoffice.commands.users import grant_admin, grant_scanner, revoke_admin, revoke_scanner
from boxoffice.control_characters import escape_controls
from boxoffice.database import Document
from boxoffice.domain.emails import normalise_email
from boxoffice.domain.users import UnknownUser
from boxoffice.eventstore import MongoEventStore
from boxoffice.projections.queries import list_users


@click.group()
def users() -> None:
    """Manage user accounts."""


RoleChange = Callable[[MongoEventStore, str], Awaitable[bool]]


def _change_role(ctx: click.Context, change: RoleChange, email: str) -> bool:
    """Run ``change(store, email)``; an unknown e-mail is one line."""

    async def work(database: AsyncDatabase[Document], store: MongoEventStore) -> bool:
        return await change(store, email)

    @operator_errors
    def run() -> bool:
        try:
            return run_with_store(settings_from(ctx), work)
        except UnknownUser:
            raise click.ClickException(f"no user with e-mail {_shown(email)}") from None

    return run()


def _shown(email: str) -> str:
    return escape_controls(normalise_email(email))


@users.command("grant-admin")
@click.argument("email")
@click.pass_context
def grant_admin_command(ctx: click.Context, email: str) -> None:
    """Give the user with EMAIL the admin role (their next login or refresh carries it)."""
    granted = _change_role(ctx, grant_admin, email)
    click.echo(f"{_shown(email)} is {'now' if granted else 'already'} an admin")


@users.command("revoke-admin")
@click.argument("email")
@click.pass_context
def revoke_admin_command(ctx: click.Context, email: str) -> None:
    """Take the admin role from the user with EMAIL (their next login or refresh goes without it)."""
    revoked = _change_role(ctx, revoke_admin, email)
    click.echo(f"{_shown(email)} is {'no longer' if revoked else 'not'} an admin")


@users.command("grant-scanner")
@click.argument("email")
@click.pass_context
def grant_scanner_command(ctx: click.Context, email: str) -> None:
    """Let the user with EMAIL check tickets in at the door (from their next login or refresh)."""
    granted = _change_role(ctx, grant_scanner, email)
    click.echo(f"{_shown(email)} is {'now' if granted else 'already'} a scanner")


@users.command("revoke-scanner")
@click.argument("email")
@click.pass_context
def revoke_scanner_command(ctx: click.Context, email: str) -> None:
    """Take the scanner role from the user with EMAIL (their next login or refresh goes without it)."""
    revoked = _change_role(ctx, revoke_scanner, email)
    click.echo(f"{_shown(email)} is {'no longer' if revoked else 'not'} a scanner")


@users.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """Every user, one JSON object a line, in registration order (the users read model)."""

    async def work(database: AsyncDatabase[Document], store: MongoEventStore) -> list[Document]:
        return await list_users(database)

    for user in operator_errors(run_with_store)(settings_from(ctx), work):
        click.echo(escape_controls(json.dumps(user, ensure_ascii=False)))
