"""The summary printed after `tajo connectors sync`, and its JSON form.

It lists what was read, what was written to Brevo, what was skipped and why
(with the setting that changes it), what failed, and how long the rate limit
held the run back. A dry run also lists the writes it would have made and the
historical events no run will send.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from tajo.cli.hints import TAGS_HINT, skip_hint, throttle_hint
from tajo.cli.output import Consoles, format_seconds
from tajo.sync import DryRunPlan, SyncReport

# Items of each kind listed in a dry-run plan; the counts cover all of them.
PLAN_SAMPLE = 10


def report_json(report: SyncReport) -> dict[str, Any]:
    """Return the report as JSON-ready data (datetimes as ISO 8601 text)."""
    data: dict[str, Any] = _jsonable(asdict(report))
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return value


def _table(title: str, *columns: str, numeric: tuple[int, ...] = (1, 2)) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False)
    for index, column in enumerate(columns):
        table.add_column(column, justify="right" if index in numeric else "left")
    return table


def _row(table: Table, *cells: object) -> None:
    table.add_row(*(Text(str(cell)) for cell in cells))


def print_summary(
    consoles: Consoles, report: SyncReport, *, tags_synced: bool = False
) -> None:
    """Print the tables and notes that end a sync."""
    took = (report.finished_at - report.started_at).total_seconds()
    kind = "Dry run" if report.dry_run else f"Run #{report.run_id}"
    consoles.line(f"{kind} ({report.mode}) finished in {format_seconds(took)}")
    reads = _table("Read from Gorgias", "resource", "read", "stored")
    for name, count in report.resources.items():
        _row(reads, name, count.read, count.upserted)
    consoles.out.print(reads)

    writes = _table("Brevo", "what", "count")
    for label, total in _write_rows(report):
        _row(writes, label, total)
    consoles.out.print(writes)

    print_skips(consoles, report.skipped)
    _print_failures(consoles, report)
    _print_requests(consoles, report)

    if tags_synced:
        consoles.line(f"Note: {TAGS_HINT}")
    if report.historical_events and not report.dry_run:
        consoles.line(
            f"Note: {report.historical_events} transitions older than "
            "sync.event_backfill_days were not sent as events, so customers are "
            "never mailed about old tickets; attributes and lists include them."
        )
    if report.plan is not None:
        print_plan(consoles, report.plan)


def _write_rows(report: SyncReport) -> list[tuple[str, int]]:
    """Return the Brevo rows of the summary; a dry run counts its plan."""
    plan = report.plan
    if report.dry_run and plan is not None:
        # A dry run sends nothing, so the run's sent counters are all 0.
        return [
            ("contacts would be written", len(plan.contacts)),
            ("list additions", sum(len(_ids(c, "add")) for c in plan.contacts)),
            ("list removals", sum(len(_ids(c, "remove")) for c in plan.contacts)),
            ("events to send", len(plan.events)),
            ("campaign triggers to send", len(plan.triggers)),
            ("historical events left out", report.historical_events),
        ]
    rows = [
        ("contacts written", report.contacts_written),
        ("contacts unchanged (nothing sent)", report.contacts_unchanged),
        ("list additions", report.list_adds),
        ("list removals", report.list_removes),
        ("events sent", report.events_sent),
        ("historical events left out", report.historical_events),
    ]
    if report.pending_writes and not report.dry_run:
        rows.append(
            ("writes still queued (the worker retries them)", report.pending_writes)
        )
    return rows


def _ids(item: Mapping[str, Any], key: str) -> list[Any]:
    value = item.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def print_skips(consoles: Consoles, skipped: Mapping[str, int]) -> None:
    """Print each skip reason with its count and what to change."""
    if not any(skipped.values()):
        return
    table = _table(
        "Skipped", "reason", "count", "why, and what to change", numeric=(1,)
    )
    for reason, count in sorted(skipped.items(), key=lambda item: -item[1]):
        if count:
            _row(table, reason, count, skip_hint(reason) or "-")
    consoles.out.print(table)


def _print_failures(consoles: Consoles, report: SyncReport) -> None:
    if not report.failures:
        consoles.ok("No record failed")
        return
    ids = ", ".join(str(entry) for entry in report.failed_record_ids[:PLAN_SAMPLE])
    consoles.fail(
        f"{report.failures} records failed and were set aside (ledger ids {ids})",
        fix="see them with `tajo connectors failed gorgias`, fix the cause, then "
        "`tajo connectors replay gorgias --all`",
    )


def _print_requests(consoles: Consoles, report: SyncReport) -> None:
    consoles.line(
        f"Requests: Gorgias {report.gorgias_requests}, Brevo {report.brevo_requests}; "
        f"waited {format_seconds(report.throttled_seconds)} for rate limits"
    )
    hint = throttle_hint(report.throttled_seconds, report.gorgias_requests)
    if hint:
        consoles.line(f"Note: {hint}")


def print_plan(consoles: Consoles, plan: DryRunPlan) -> None:
    """Print the writes a dry run planned, a sample of each kind with the totals."""
    consoles.line("Dry run: nothing was sent to Brevo. Planned writes:")
    if plan.attributes_to_create:
        consoles.line(f"  attributes to create: {', '.join(plan.attributes_to_create)}")
    _print_items(consoles, "contact writes", plan.contacts, _describe_contact)
    _print_items(consoles, "events", plan.events, _describe_event)
    _print_items(consoles, "campaign triggers", plan.triggers, _describe_event)
    _print_items(
        consoles,
        "historical events left out (older than the backfill window)",
        plan.historical,
        _describe_event,
    )


def _print_items(
    consoles: Consoles,
    label: str,
    items: Iterable[Mapping[str, Any]],
    describe: Any,
) -> None:
    listed = list(items)
    consoles.line(f"  {label}: {len(listed)}")
    for item in listed[:PLAN_SAMPLE]:
        consoles.line(f"    - {describe(item)}")
    if len(listed) > PLAN_SAMPLE:
        consoles.line(f"    ... and {len(listed) - PLAN_SAMPLE} more (use --json)")


def _describe_contact(item: Mapping[str, Any]) -> str:
    who = item.get("email") or item.get("sms") or item.get("ext_id") or "?"
    attributes = item.get("attributes") or {}
    shown = ", ".join(f"{k}={v}" for k, v in list(attributes.items())[:4])
    parts = [str(who)]
    if shown:
        parts.append(shown)
    for key, word in (("add", "join"), ("remove", "leave")):
        lists = _ids(item, key)
        if lists:
            parts.append(f"{word} lists {', '.join(str(i) for i in lists)}")
    return "; ".join(parts)


def _describe_event(item: Mapping[str, Any]) -> str:
    """Describe a planned event, trigger or left-out transition on one line.

    Events and brevo-event triggers carry the Brevo body under `event`;
    template triggers carry `template_id` and `email`; historical entries
    are flat (`event_name`, `identifiers`, `event_date`, `ticket_id`).
    """
    body = item.get("event")
    event: Mapping[str, Any] = body if isinstance(body, Mapping) else item
    properties = event.get("event_properties")
    props: Mapping[str, Any] = properties if isinstance(properties, Mapping) else {}
    name = event.get("event_name")
    if not name and item.get("template_id") is not None:
        name = f"template {item['template_id']}"
    parts = [str(name or "?")]
    if item.get("trigger"):
        parts.append(f"trigger {item['trigger']}")
    parts.append(f"to {_contact_of(event, item)}")
    date = event.get("event_date")
    if date:
        parts.append(f"at {date}")
    ticket = props.get("ticket_id") or item.get("ticket_id")
    if ticket:
        parts.append(f"ticket {ticket}")
    return ", ".join(parts)


def _contact_of(event: Mapping[str, Any], item: Mapping[str, Any]) -> str:
    identifiers = event.get("identifiers")
    if isinstance(identifiers, Mapping):
        for key in ("email_id", "ext_id", "phone_id", "contact_id"):
            if identifiers.get(key):
                return str(identifiers[key])
    if item.get("email"):
        return str(item["email"])
    if item.get("customer_id") is not None:
        return f"Gorgias customer {item['customer_id']}"
    return "?"
