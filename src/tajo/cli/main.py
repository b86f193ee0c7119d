"""The `tajo` command line: global options, error reporting, the command tree.

Every `TajoError` ends the command with one `error: ...` line on stderr and
exit status 1, or 2 for configuration and usage errors. A bad option value
ends it with one `error: ...` line and exit status 2 too. `--debug` adds the
traceback.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:
    # Typer 0.2x vendors click as typer._click and raises its exceptions.
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older Typer uses click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]

from tajo import __version__
from tajo.cli.connectors import connectors_app
from tajo.cli.demo import demo_command
from tajo.cli.output import Consoles
from tajo.cli.runtime import Runtime, configure_logging, resolve_config_path
from tajo.cli.sandbox import sandbox_command
from tajo.cli.serve import serve_command, worker_command
from tajo.cli.webhooks_cmd import webhooks_app
from tajo.errors import ConfigError, TajoError

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


# Global options that may also follow the command, as in
# `tajo connectors install gorgias --config tajo.yaml`.
_GLOBAL_FLAGS = frozenset({"--debug", "--verbose", "-v", "-vv", "-vvv"})
_GLOBAL_WITH_VALUE = frozenset({"--config", "-c"})


def hoist_global_options(args: list[str]) -> list[str]:
    """Move global options given after the command in front of it.

    Click reads an option only at the level that defines it; moving the
    global ones first lets people write them anywhere. Arguments after `--`
    stay where they are.
    """
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg in _GLOBAL_WITH_VALUE and index + 1 < len(args):
            front += [arg, args[index + 1]]
            index += 2
            continue
        if arg in _GLOBAL_FLAGS or arg.startswith("--config="):
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest


def is_bad_option_value(exc: click_errors.UsageError) -> bool:
    """Return whether a usage error is about an option's value or spelling.

    Those get one `error:` line. A missing argument or an unknown command
    keeps click's usage block, which shows what the command expects.
    """
    if isinstance(exc, click_errors.MissingParameter):
        return False
    return isinstance(
        exc,
        click_errors.BadParameter
        | click_errors.NoSuchOption
        | click_errors.BadOptionUsage,
    )


def _report_usage_error(exc: click_errors.UsageError) -> typer.Exit:
    typer.echo(f"error: {exc.format_message()}", err=True)
    return typer.Exit(EXIT_USAGE)


class TajoGroup(TyperGroup):
    """The root command group; it turns tajo errors into one-line messages."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, hoist_global_options(list(args)))
        except click_errors.UsageError as exc:
            if is_bad_option_value(exc):
                raise _report_usage_error(exc) from None
            raise

    # `ctx` is typed Any: recent Typer versions vendor click, so the Context
    # class of the base method depends on the installed Typer.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except click_errors.UsageError as exc:
            if is_bad_option_value(exc):
                raise _report_usage_error(exc) from None
            raise
        except TajoError as exc:
            runtime = ctx.obj if isinstance(ctx.obj, Runtime) else None
            if runtime is not None and runtime.debug:
                # A ConfigError's message is complete and redacted, but the
                # exception it was raised from may print input values, such
                # as a pydantic ValidationError's, so it is left out.
                chain = not isinstance(exc, ConfigError)
                lines = traceback.format_exception(exc, chain=chain)
                typer.echo("".join(lines), err=True, nl=False)
            typer.echo(f"error: {exc}", err=True)
            code = EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_FAILURE
            raise typer.Exit(code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    name="tajo",
    cls=TajoGroup,
    help="Sync Gorgias helpdesk activity to Brevo contacts, lists and events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Configuration file; default $TAJO_CONFIG, else ./tajo.yaml.",
            dir_okay=False,
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, help="Log more: -v info, -vv debug."
        ),
    ] = 0,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Log API calls and show tracebacks on errors."),
    ] = False,
) -> None:
    """Sync Gorgias helpdesk activity to Brevo contacts, lists and events."""
    path, named = resolve_config_path(config)
    ctx.obj = Runtime(
        config_path=path,
        config_named=named,
        consoles=Consoles.standard(),
        verbose=verbose,
        debug=debug,
    )
    configure_logging(ctx.obj, None)


@app.command()
def version() -> None:
    """Print the installed tajo version."""
    typer.echo(__version__)


app.add_typer(connectors_app)
app.command("sandbox")(sandbox_command)
app.command("demo")(demo_command)
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.add_typer(webhooks_app)
