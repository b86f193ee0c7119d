"""`tajo connectors sync`: run the sync engine with progress bars and a summary."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import typer

from tajo.cli.clients import build_brevo_client, build_gorgias_client, gorgias_access
from tajo.cli.params import ConnectorArg, check_batch_size, parse_resources, parse_since
from tajo.cli.progress import RichProgress
from tajo.cli.runtime import CONNECTOR_ID, Runtime, runtime_of
from tajo.cli.summary import print_summary, report_json
from tajo.clock import SystemClock
from tajo.config import TajoConfig
from tajo.sync import (
    RESOURCES,
    NoProgress,
    ProgressListener,
    SyncEngine,
    SyncMode,
    SyncReport,
)

MODES: tuple[SyncMode, ...] = ("incremental", "full")
# Accepted by `--resources` besides the engine's own names.
RESOURCE_ALIASES = ("surveys",)


def check_mode(value: str) -> str:
    """Accept `--type incremental` or `--type full` (a Typer option callback)."""
    mode = value.strip().lower()
    if mode not in MODES:
        raise typer.BadParameter(
            f"type={value!r} is not a sync type; expected incremental (what "
            "changed since the last run) or full (everything)"
        )
    return mode


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """Options of one sync run: mode, resources, start date, batch size, dry run."""

    mode: SyncMode = "incremental"
    resources: tuple[str, ...] | None = None
    since: datetime | None = None
    batch_size: int = 100
    dry_run: bool = False


@contextlib.asynccontextmanager
async def open_engine(
    runtime: Runtime, config: TajoConfig, *, progress: ProgressListener
) -> AsyncIterator[SyncEngine]:
    """Open the store and both clients and yield a sync engine over them.

    Raises:
        CredentialsError: no Gorgias key is configured or stored.
        ConfigError: the configuration lacks the Brevo key.
    """
    clock = SystemClock()
    with runtime.open_store(config) as store:
        access = gorgias_access(runtime, config, store)
        gorgias = build_gorgias_client(access, config, clock=clock)
        brevo = build_brevo_client(
            config, clock=clock, import_poll_seconds=runtime.brevo_import_poll_seconds
        )
        async with gorgias, brevo:
            yield SyncEngine(
                config=config,
                store=store,
                gorgias=gorgias,
                brevo=brevo,
                clock=clock,
                connector_id=CONNECTOR_ID,
                progress=progress,
            )


async def run_sync(
    runtime: Runtime,
    config: TajoConfig,
    options: SyncOptions,
    *,
    progress: ProgressListener,
) -> SyncReport:
    """Run one sync and return its report.

    Raises:
        CredentialsError: no Gorgias key is configured or stored.
        ConfigError: the configuration lacks the Brevo key.
        LeaseHeldError: another sync of this connector is running.
        ApiError: a request failed for good (such as a 401).
    """
    async with open_engine(runtime, config, progress=progress) as engine:
        if await engine.first_sync_at() is None:
            limit = config.gorgias.rate_limit
            progress.on_message(
                "First sync: Gorgias does not say how many records an account "
                "holds, so the ETA appears from the next sync on; this one reads "
                f"everything at up to {limit.requests} requests per "
                f"{limit.window_seconds:g} s."
            )
        report: SyncReport = await engine.run(
            mode=options.mode,
            resources=options.resources,
            since=options.since,
            batch_size=options.batch_size,
            dry_run=options.dry_run,
        )
    return report


def sync_command(
    ctx: typer.Context,
    connector: ConnectorArg,
    sync_type: Annotated[
        str,
        typer.Option(
            "--type",
            callback=check_mode,
            help="incremental reads what changed since the last run; full reads "
            "everything.",
        ),
    ] = "incremental",
    resources: Annotated[
        str | None,
        typer.Option(
            help=f"Comma-separated subset of: {', '.join(RESOURCES)}.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Read records changed since this date (YYYY-MM-DD)."),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option(
            callback=check_batch_size,
            help="Customers planned per database transaction (1-1000).",
        ),
    ] = 100,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Read Gorgias and show the planned Brevo writes; send nothing.",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON, without bars.")
    ] = False,
) -> None:
    """Sync Gorgias to Brevo once, with progress bars and a summary."""
    runtime = runtime_of(ctx)
    parsed_since = parse_since(since, now=datetime.now(UTC))
    chosen = parse_resources(resources, (*RESOURCES, *RESOURCE_ALIASES))
    config = runtime.config()
    options = SyncOptions(
        mode="full" if sync_type == "full" else "incremental",
        resources=tuple(chosen) if chosen is not None else None,
        since=parsed_since,
        batch_size=batch_size,
        dry_run=dry_run,
    )
    if as_json:
        report = asyncio.run(run_sync(runtime, config, options, progress=NoProgress()))
        typer.echo(json.dumps(report_json(report), indent=2))
        return
    report = sync_with_progress(runtime, config, options)
    print_summary(runtime.consoles, report, tags_synced=config.gorgias.sync.tags)


def sync_with_progress(
    runtime: Runtime, config: TajoConfig, options: SyncOptions
) -> SyncReport:
    """Run one sync while drawing its progress on stdout."""
    with RichProgress(
        runtime.consoles.out, show_all_messages=runtime.verbose > 0
    ) as progress:
        return asyncio.run(run_sync(runtime, config, options, progress=progress))
