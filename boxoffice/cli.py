"""The ``boxoffice`` command line: serve, and the operator's tools around the log."""

from __future__ import annotations

from pathlib import Path

import click

from boxoffice.audit.commands import audit, replay
from boxoffice.projections.cli import rebuild_command
from boxoffice.seals.cli import seals
from boxoffice.serve import serve
from boxoffice.users_cli import users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="boxoffice", message="%(prog)s %(version)s")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides BOXOFFICE_DATA_DIR.")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """boxoffice: an event-sourced ticket-booking backend."""
    ctx.obj = {"data_dir": data_dir}


main.add_command(serve)
main.add_command(replay)
main.add_command(audit)
main.add_command(users)
main.add_command(rebuild_command)
main.add_command(seals)
