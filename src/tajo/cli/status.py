"""`tajo connectors status`: what is connected, synced, queued and failed.

Everything comes from the state store, except the webhook's health, which
costs one Gorgias request when a webhook is configured. The command exits
with status 1 when no usable credentials are configured or stored.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import typer

from tajo.cli.clients import build_gorgias_client, gorgias_access
from tajo.cli.hints import skip_hint, throttle_hint
from tajo.cli.output import Consoles, format_instant, format_seconds
from tajo.cli.runtime import CONFIG_ENV, CONNECTOR_ID, Runtime, runtime_of
from tajo.clock import SystemClock
from tajo.config import TajoConfig
from tajo.credentials import load_connection
from tajo.errors import ApiError, ConfigError, CredentialsError
from tajo.store import StoreStatus, SyncRun, get_connection, store_status
from tajo.webhooks.registration import check_webhook

# Exit status when the connector has no usable credentials (docs/cli.md).
EXIT_NOT_CONNECTED = 1


@dataclass(frozen=True, slots=True)
class Connection:
    """Whether credentials are usable, without showing them."""

    connected: bool
    domain: str | None
    key_fingerprint: str | None
    problem: str | None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run_json(run: SyncRun | None) -> dict[str, Any] | None:
    """Return a sync run as the JSON object of `status --json`."""
    if run is None:
        return None
    return {
        "id": run.id,
        "type": run.type,
        "status": run.status,
        "startedAt": _iso(run.started_at),
        "finishedAt": _iso(run.finished_at),
        "counts": run.counts,
        "skips": run.skips,
        "failures": run.failures,
        "throttledSeconds": round(run.throttled_seconds, 1),
        "gorgiasRequests": run.gorgias_requests,
        "brevoRequests": run.brevo_requests,
        "pending": run.pending,
    }


def read_connection(runtime: Runtime, config: TajoConfig | None) -> Connection:
    """Check that a key is configured or stored, and that it can be decrypted."""
    with runtime.open_store(config) as store:
        with store.transaction(CONNECTOR_ID, read_only=True) as tx:
            row = get_connection(tx)
        if config is not None and config.gorgias.api_key is not None:
            return Connection(True, config.gorgias.domain, None, None)
        if row is None:
            return Connection(
                False, None, None, "not installed: run tajo connectors install gorgias"
            )
        try:
            load_connection(store, CONNECTOR_ID, keyring=runtime.keyring(create=False))
        except CredentialsError as exc:
            return Connection(False, row.domain, row.key_fingerprint, str(exc))
    return Connection(True, row.domain, row.key_fingerprint, None)


def webhook_json(runtime: Runtime, config: TajoConfig | None) -> dict[str, Any]:
    """Return the webhook's configuration and, when configured, its health."""
    webhook = config.gorgias.webhook if config is not None else None
    if config is None or webhook is None:
        return {"configured": False}
    result: dict[str, Any] = {"configured": True, "publicUrl": webhook.public_url}
    try:
        health = asyncio.run(_webhook_health(runtime, config))
    except (ApiError, ConfigError, CredentialsError) as exc:
        result.update(status="unknown", message=str(exc))
        return result
    result.update(
        status=health.status,
        integrationId=health.integration_id,
        deactivatedAt=_iso(health.deactivated_at),
        message=health.message,
    )
    return result


async def _webhook_health(runtime: Runtime, config: TajoConfig) -> Any:
    with runtime.open_store(config) as store:
        access = gorgias_access(runtime, config, store)
    webhook = config.gorgias.webhook
    assert webhook is not None  # checked by the caller
    clock = SystemClock()
    client = build_gorgias_client(access, config, clock=clock)
    async with client:
        return await check_webhook(
            client, public_url=webhook.public_url, header_name=webhook.secret_header
        )


def status_json(
    connection: Connection, totals: StoreStatus, webhook: dict[str, Any]
) -> dict[str, Any]:
    """Return the whole `status --json` document."""
    last = totals.last_sync
    succeeded = totals.last_successful_sync
    return {
        "connector": CONNECTOR_ID,
        "connected": connection.connected,
        "connectionProblem": connection.problem,
        "domain": connection.domain,
        "keyFingerprint": connection.key_fingerprint,
        "lastSync": _iso(succeeded.finished_at if succeeded else None),
        "customersCount": totals.customers_count,
        "ticketsTracked": totals.tickets_tracked,
        "csatResponses": totals.csat_responses,
        "lastRun": run_json(last),
        "skips": last.skips if last else {},
        "failures": {
            "lastRun": last.failures if last else 0,
            "unresolvedRecords": totals.failed_records,
        },
        "throttledSeconds": round(last.throttled_seconds, 1) if last else 0.0,
        "pending": {
            "outbox": totals.outbox_pending,
            "outboxFailed": totals.outbox_failed,
            "inbox": totals.inbox_pending,
            "inboxFailed": totals.inbox_failed,
        },
        "webhook": webhook,
    }


def collect_status(runtime: Runtime, config: TajoConfig | None) -> dict[str, Any]:
    """Gather the status document from the store (and Gorgias for the webhook)."""
    connection = read_connection(runtime, config)
    with (
        runtime.open_store(config) as store,
        store.transaction(CONNECTOR_ID, read_only=True) as tx,
    ):
        totals = store_status(tx)
    return status_json(connection, totals, webhook_json(runtime, config))


def print_status(consoles: Consoles, data: dict[str, Any]) -> None:
    """Print the status document for people."""
    if data["connected"]:
        key = f", key {data['keyFingerprint']}" if data["keyFingerprint"] else ""
        consoles.ok(f"Connected to {data['domain']}{key}")
    else:
        consoles.fail("Not connected", cause=data["connectionProblem"] or "")

    consoles.line(f"Last successful sync: {format_instant(data['lastSync'])}")
    consoles.line(
        f"Customers: {data['customersCount']}   Tickets tracked: "
        f"{data['ticketsTracked']}   CSAT responses: {data['csatResponses']}"
    )
    last = data["lastRun"]
    if last is not None:
        consoles.line(
            f"Last run #{last['id']}: {last['type']}, {last['status']}, started "
            f"{format_instant(last['startedAt'])}; Gorgias requests "
            f"{last['gorgiasRequests']}, "
            f"Brevo requests {last['brevoRequests']}"
        )
        for line in _count_lines(last["counts"]):
            consoles.line(f"  {line}")
        for reason, count in sorted(data["skips"].items()):
            hint = skip_hint(reason)
            suffix = f" ({hint})" if hint else ""
            consoles.line(f"  skipped {reason}: {count}{suffix}")
        throttled = throttle_hint(last["throttledSeconds"], last["gorgiasRequests"])
        if throttled:
            consoles.line(f"  throttled: {throttled}")
        elif last["throttledSeconds"]:
            waited = format_seconds(last["throttledSeconds"])
            consoles.line(f"  throttled: {waited}")

    failures = data["failures"]
    unresolved = failures["unresolvedRecords"]
    see = " (see tajo connectors failed gorgias)" if unresolved else ""
    consoles.line(
        f"Failures: {failures['lastRun']} in the last run; "
        f"{unresolved} unresolved failed records{see}"
    )
    pending = data["pending"]
    consoles.line(
        f"Pending: outbox {pending['outbox']} (failed {pending['outboxFailed']}), "
        f"inbox {pending['inbox']} (failed {pending['inboxFailed']})"
    )
    _print_webhook(consoles, data["webhook"])


def _count_lines(counts: dict[str, int]) -> list[str]:
    """Group a run's counts into one line of reads and one of Brevo writes."""
    reads = [
        f"{name.removesuffix('_read')} {value}"
        for name, value in sorted(counts.items())
        if name.endswith("_read")
    ]
    writes = [
        f"{label} {counts[key]}"
        for key, label in (
            ("contacts_written", "contacts written"),
            ("contacts_unchanged", "unchanged"),
            ("list_adds", "list adds"),
            ("list_removes", "list removals"),
            ("events_sent", "events sent"),
            ("historical_events", "historical events left out"),
        )
        if key in counts
    ]
    lines = []
    if reads:
        lines.append("read: " + ", ".join(reads))
    if writes:
        lines.append("Brevo: " + ", ".join(writes))
    return lines


def _print_webhook(consoles: Consoles, webhook: dict[str, Any]) -> None:
    if not webhook["configured"]:
        consoles.line(
            "Webhook: not configured (the incremental sync alone keeps Brevo in step)"
        )
        return
    if webhook.get("status") == "active":
        consoles.ok(f"Webhook active: integration {webhook['integrationId']}")
        return
    consoles.fail(f"Webhook {webhook.get('status')}", cause=webhook.get("message", ""))


def status_command(ctx: typer.Context, connector: str, *, as_json: bool) -> None:
    """Print the status of `connector` for people, or as JSON."""
    runtime = runtime_of(ctx)
    config = runtime.optional_config()
    if config is None:
        # On stderr, so the --json output stays one JSON document.
        runtime.consoles.warn(
            f"no configuration file found: looked for "
            f"{runtime.config_path.absolute()}; status is read from the default "
            f"state database; pass --config PATH or set ${CONFIG_ENV} to use "
            "another file"
        )
    data = collect_status(runtime, config)
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=False))
    else:
        print_status(runtime.consoles, data)
    if not data["connected"]:
        raise typer.Exit(EXIT_NOT_CONNECTED)
