"""Command-line values shared by several commands, and their checks.

A bad value is a usage error (exit status 2) whose message names the value
and what to type instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import typer

from tajo.cli.runtime import CONNECTORS
from tajo.datetimes import parse_datetime
from tajo.errors import DatetimeParseError

MAX_BATCH_SIZE = 1000


def check_connector(value: str) -> str:
    """Accept only the connectors tajo has (a Typer argument callback)."""
    name = value.strip().lower()
    if name not in CONNECTORS:
        raise typer.BadParameter(
            f"unknown connector {value!r}; expected one of: {', '.join(CONNECTORS)}"
        )
    return name


ConnectorArg = Annotated[
    str,
    typer.Argument(
        help="The helpdesk to connect: gorgias.",
        callback=check_connector,
        metavar="CONNECTOR",
    ),
]


def parse_since(value: str | None, *, now: datetime) -> datetime | None:
    """Parse `--since`: a date (2024-01-01) or an ISO 8601 date and time.

    A value without an offset is UTC.

    Raises:
        typer.BadParameter: the value is not a date, or lies in the future.
    """
    if value is None:
        return None
    try:
        since = parse_datetime(value)
    except DatetimeParseError:
        raise typer.BadParameter(
            f"since={value!r} is not a date; expected YYYY-MM-DD such as "
            "2024-01-01, or an ISO 8601 time such as 2024-01-01T09:30:00+02:00",
            param_hint="'--since'",
        ) from None
    if since > now:
        raise typer.BadParameter(
            f"since={value!r} is in the future; expected a past date such as "
            f"{now.date().isoformat()}",
            param_hint="'--since'",
        )
    return since


def parse_resources(value: str | None, known: Iterable[str]) -> list[str] | None:
    """Parse `--resources customers,tickets` against the resources the sync has.

    Raises:
        typer.BadParameter: a name is unknown or the list is empty.
    """
    if value is None:
        return None
    choices = list(known)
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in choices]
    if unknown or not names:
        shown = ", ".join(repr(name) for name in unknown) or repr(value)
        raise typer.BadParameter(
            f"unknown resource {shown}; expected a comma-separated list of: "
            f"{', '.join(choices)}",
            param_hint="'--resources'",
        )
    return list(dict.fromkeys(names))


def check_batch_size(value: int) -> int:
    """Accept `--batch-size` from 1 to 1000 (a Typer option callback)."""
    if not 1 <= value <= MAX_BATCH_SIZE:
        raise typer.BadParameter(
            f"batch_size={value} is out of range; expected 1 to {MAX_BATCH_SIZE} "
            "customers per transaction (100 suits most stores)"
        )
    return value
