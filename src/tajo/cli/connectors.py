"""`tajo connectors ...`: install, key rotation, uninstall and the checks."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from tajo.cli import failures
from tajo.cli import install as setup
from tajo.cli.checks import Check, brevo_checks, gorgias_checks, webhook_checks
from tajo.cli.clients import build_brevo_client, build_gorgias_client, gorgias_access
from tajo.cli.output import Consoles
from tajo.cli.params import ConnectorArg
from tajo.cli.runtime import Runtime, runtime_of
from tajo.cli.status import status_command
from tajo.cli.sync_cmd import sync_command
from tajo.clock import SystemClock
from tajo.config import TajoConfig
from tajo.errors import ConfigError

connectors_app = typer.Typer(
    name="connectors",
    help="Install, check, sync and inspect the Gorgias connection.",
    no_args_is_help=True,
)


ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="GORGIAS_API_KEY",
        show_envvar=True,
        help="The Gorgias API key; omit it or pass - to type it at a hidden "
        "prompt (or pipe it on stdin), keeping it out of shell history.",
    ),
]


@connectors_app.command("install")
def install_command(
    ctx: typer.Context,
    connector: ConnectorArg,
    domain: Annotated[
        str | None,
        typer.Option(help="yourstore.gorgias.com; defaults to tajo.yaml's domain."),
    ] = None,
    api_key: ApiKeyOption = None,
    email: Annotated[
        str | None,
        typer.Option(
            envvar="GORGIAS_EMAIL",
            help="Email of the Gorgias user who owns the key.",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="Replace https://{subdomain}.gorgias.com/api/ (a proxy, or a "
            "simulator on loopback).",
        ),
    ] = None,
) -> None:
    """Check the Gorgias credentials with one request and store them encrypted."""
    runtime = runtime_of(ctx)
    config = runtime.optional_config()
    request = setup.resolve_request(
        config, domain=domain, email=email, api_key=api_key, base_url=base_url
    )
    runtime.consoles.warn(setup.FULL_ACCESS_WARNING)
    if config is not None and config.gorgias.domain != request.domain:
        runtime.consoles.warn(
            f"tajo.yaml names {config.gorgias.domain}, not {request.domain}; "
            "syncs will refuse to run until the two agree"
        )
    connection = setup.install(runtime, config, request)
    keyring = runtime.keyring(create=False)
    setup.print_installed(
        runtime.consoles,
        connection,
        database=runtime.database_url(config),
        key_file=keyring.path,
    )
    if config is not None and config.gorgias.api_key is not None:
        runtime.consoles.warn(
            "connectors.gorgias.api_key is set in tajo.yaml and takes precedence "
            "over the stored key; remove it to use the stored one"
        )
    runtime.consoles.line(f"Next: tajo connectors test {connector}")


@connectors_app.command("rotate-key")
def rotate_key_command(
    ctx: typer.Context, connector: ConnectorArg, api_key: ApiKeyOption = None
) -> None:
    """Check a new Gorgias API key, then store it in place of the old one."""
    runtime = runtime_of(ctx)
    config = runtime.optional_config()
    new_key = setup.read_api_key(api_key, label="New Gorgias API key")
    old, updated = setup.rotate_key(runtime, config, new_key)
    runtime.consoles.ok(
        f"API key of {updated.domain} replaced: {old} -> {updated.key_fingerprint}"
    )
    runtime.consoles.line(
        "Revoke the old key in Gorgias under Settings > REST API once every "
        "tajo process has restarted."
    )


@connectors_app.command("rotate-encryption-key")
def rotate_encryption_key_command(ctx: typer.Context) -> None:
    """Re-encrypt every stored API key under a new encryption key."""
    runtime = runtime_of(ctx)
    rotation = setup.rotate_storage_key(runtime, runtime.optional_config())
    runtime.consoles.ok(
        f"Re-encrypted {rotation.re_encrypted} stored API key(s) under a new key"
    )
    if rotation.previous_key_file is not None:
        runtime.consoles.line(
            f"The old keys are kept in {rotation.previous_key_file} for backups "
            "taken before now; delete that file once those backups are gone."
        )
    else:
        runtime.consoles.line(
            "Keys come from $TAJO_ENCRYPTION_KEY: drop the old keys from it now."
        )


@connectors_app.command("uninstall")
def uninstall_command(
    ctx: typer.Context,
    connector: ConnectorArg,
    purge: Annotated[
        bool,
        typer.Option(
            "--purge",
            help="Also delete everything synced: mirror, queues, ledgers, runs.",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before purging.")
    ] = False,
) -> None:
    """Delete the stored connection (and with --purge, all synced state)."""
    runtime = runtime_of(ctx)
    config = runtime.optional_config()
    if purge and not yes:
        typer.confirm(
            "Delete the connection and every synced record of it?", abort=True
        )
    existed = setup.uninstall(runtime, config, purge=purge)
    if existed:
        runtime.consoles.ok(f"Removed the stored {connector} connection")
    else:
        runtime.consoles.note(f"No {connector} connection was stored")
    if purge:
        runtime.consoles.ok("Deleted every synced record of the connector")
    runtime.consoles.line(
        "Nothing was deleted in Brevo. If you registered the webhook, remove "
        "the HTTP integration in Gorgias > Settings > Integrations > HTTP."
    )


@connectors_app.command("test")
def test_command(ctx: typer.Context, connector: ConnectorArg) -> None:
    """Check Gorgias access, the Brevo key, lists, attributes and the webhook."""
    runtime = runtime_of(ctx)
    config = runtime.config()
    checks = asyncio.run(run_all_checks(runtime, config))
    if print_checks(runtime.consoles, checks):
        raise typer.Exit(1)


async def run_all_checks(runtime: Runtime, config: TajoConfig) -> list[Check]:
    """Run every check of `connectors test` and return them in print order.

    Raises:
        CredentialsError: nothing is installed and tajo.yaml has no key.
        ConfigError: the configuration is incomplete (no Brevo key).
    """
    with runtime.open_store(config) as store:
        access = gorgias_access(runtime, config, store)
    clock = SystemClock()
    async with build_gorgias_client(access, config, clock=clock, page_size=1) as client:
        checks, custom_types = await gorgias_checks(client, config)
        if config.gorgias.webhook is not None:
            checks.extend(await webhook_checks(client, config))
    try:
        brevo = build_brevo_client(config, clock=clock)
    except ConfigError as exc:
        checks.append(
            Check(
                "Brevo API key valid",
                ok=False,
                cause=str(exc).split(";")[0],
                fix="add `brevo: {api_key: ${BREVO_API_KEY}}` to tajo.yaml and "
                "export BREVO_API_KEY (Brevo > SMTP & API > API keys)",
            )
        )
        return checks
    async with brevo:
        checks.extend(await brevo_checks(brevo, config, custom_types))
    return checks


def print_checks(consoles: Consoles, checks: list[Check]) -> bool:
    """Print one line per check; return True when any check failed."""
    any_failed = False
    for check in checks:
        if check.ok is None:
            consoles.note(check.label)
        elif check.ok:
            consoles.ok(check.label)
        else:
            any_failed = True
            consoles.fail(check.label, cause=check.cause, fix=check.fix)
    return any_failed


@connectors_app.command("status")
def status(
    ctx: typer.Context,
    connector: ConnectorArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead.")
    ] = False,
) -> None:
    """Show the connection, last sync, queues, failures and webhook health."""
    status_command(ctx, connector, as_json=as_json)


@connectors_app.command("failed")
def failed_command(
    ctx: typer.Context,
    connector: ConnectorArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array instead.")
    ] = False,
    include_resolved: Annotated[
        bool, typer.Option("--resolved", help="Include entries already resolved.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="Newest entries to show.")] = 100,
    dismiss_ids: Annotated[
        list[int] | None,
        typer.Option(
            "--dismiss",
            help="Mark this entry resolved without a replay; repeat for several.",
        ),
    ] = None,
    dismiss_rejected: Annotated[
        bool,
        typer.Option(
            "--dismiss-all-rejected",
            help="Mark every webhook delivery the receiver rejected resolved.",
        ),
    ] = False,
    note: Annotated[
        str,
        typer.Option(help="Note kept with the entries that --dismiss closes."),
    ] = failures.DEFAULT_DISMISS_NOTE,
) -> None:
    """List the failed-record ledger: records set aside, with the reason."""
    runtime = runtime_of(ctx)
    config = runtime.optional_config()
    if dismiss_ids or dismiss_rejected:
        chosen = list(dismiss_ids or [])
        unknown = failures.missing_ids(runtime, config, chosen)
        if unknown:
            raise typer.BadParameter(
                f"no failed record with id {', '.join(map(str, unknown))}; list "
                "them with `tajo connectors failed gorgias`",
                param_hint="'--dismiss'",
            )
        if dismiss_rejected:
            chosen += failures.rejected_delivery_ids(runtime, config)
        closed = failures.dismiss(runtime, config, chosen, note=note)
        failures.print_dismissed(runtime.consoles, chosen, closed)
        return
    records = failures.load_failed(
        runtime,
        config,
        include_resolved=include_resolved,
        limit=limit,
    )
    failures.print_failed(runtime.consoles, records, as_json=as_json)


@connectors_app.command("replay")
def replay_command(
    ctx: typer.Context,
    connector: ConnectorArg,
    ids: Annotated[
        list[int] | None,
        typer.Option("--id", help="A ledger id to replay; repeat for several."),
    ] = None,
    replay_all: Annotated[
        bool, typer.Option("--all", help="Replay every unresolved entry.")
    ] = False,
) -> None:
    """Run failed records through the sync again, once their cause is fixed."""
    if not ids and not replay_all:
        raise typer.BadParameter(
            "nothing to replay; expected --id N (repeatable) or --all",
            param_hint="'--id' / '--all'",
        )
    runtime = runtime_of(ctx)
    config = runtime.config()
    chosen = None if replay_all else list(ids or [])
    if chosen:
        unknown = failures.missing_ids(runtime, config, chosen)
        if unknown:
            raise typer.BadParameter(
                f"no failed record with id {', '.join(map(str, unknown))}; list "
                "them with `tajo connectors failed gorgias`",
                param_hint="'--id'",
            )
    report = asyncio.run(failures.replay(runtime, config, chosen))
    if failures.print_replay(runtime.consoles, report):
        raise typer.Exit(1)


connectors_app.command("sync")(sync_command)
