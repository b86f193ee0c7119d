"""The `tajo` command line."""

from __future__ import annotations

import typer

from tajo import __version__

app = typer.Typer(
    name="tajo",
    help="Sync Gorgias helpdesk activity to Brevo contacts, lists and events.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Sync Gorgias helpdesk activity to Brevo contacts, lists and events."""


@app.command()
def version() -> None:
    """Print the installed tajo version."""
    typer.echo(__version__)
