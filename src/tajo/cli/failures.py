"""`tajo connectors failed` and `replay`: the failed-record ledger.

A record lands in the ledger when it could not be read, planned or written
(an unparsable datetime, a contact Brevo rejected). The run goes on without
it; `replay` runs those records through the sync again. Webhook entries
(deliveries the receiver rejected, handlers that raised) cannot be replayed:
`failed --dismiss` closes them with a note.
"""

from __future__ import annotations

import json
from typing import Any

from tajo.cli.output import Consoles, format_instant
from tajo.cli.runtime import CONNECTOR_ID, Runtime
from tajo.config import TajoConfig
from tajo.store import FailedRecord, get_failed_record, list_failed_records
from tajo.store.ledger import dismiss_failed_records
from tajo.sync import NoProgress, ReplayReport
from tajo.sync.realtime import replayable

# Kept after the detail of an entry closed by `failed --dismiss` without --note.
DEFAULT_DISMISS_NOTE = "dismissed with tajo connectors failed --dismiss"

# Detail shown per record; the JSON output carries all of it.
_DETAIL_WIDTH = 300


def failed_json(record: FailedRecord) -> dict[str, Any]:
    """Return one ledger entry as JSON (the payload is left out: it may be large)."""
    return {
        "id": record.id,
        "source": record.source,
        "recordType": record.record_type,
        "recordId": record.record_id,
        "reason": record.reason,
        "detail": record.detail,
        "attempts": record.attempts,
        "createdAt": record.created_at.isoformat(),
        "updatedAt": record.updated_at.isoformat(),
        "replayedAt": record.replayed_at.isoformat() if record.replayed_at else None,
        "resolved": record.resolved,
        "replayable": replayable(record),
    }


def load_failed(
    runtime: Runtime,
    config: TajoConfig | None,
    *,
    include_resolved: bool,
    limit: int,
) -> list[FailedRecord]:
    """Return ledger entries, newest first."""
    with (
        runtime.open_store(config) as store,
        store.transaction(CONNECTOR_ID, read_only=True) as tx,
    ):
        return list_failed_records(tx, include_resolved=include_resolved, limit=limit)


def missing_ids(
    runtime: Runtime, config: TajoConfig | None, ids: list[int]
) -> list[int]:
    """Return the ids that are not in the ledger."""
    with (
        runtime.open_store(config) as store,
        store.transaction(CONNECTOR_ID, read_only=True) as tx,
    ):
        return [entry for entry in ids if get_failed_record(tx, entry) is None]


def rejected_delivery_ids(runtime: Runtime, config: TajoConfig | None) -> list[int]:
    """Return the unresolved entries of webhook deliveries the receiver rejected."""
    with (
        runtime.open_store(config) as store,
        store.transaction(CONNECTOR_ID, read_only=True) as tx,
    ):
        entries = list_failed_records(tx, source="webhook", limit=100_000)
    return [entry.id for entry in entries if entry.record_type == "delivery"]


def dismiss(
    runtime: Runtime, config: TajoConfig | None, ids: list[int], *, note: str
) -> list[int]:
    """Mark ledger entries resolved with `note`; return the ids it closed."""
    with (
        runtime.open_store(config) as store,
        store.transaction(CONNECTOR_ID) as tx,
    ):
        return dismiss_failed_records(tx, ids, note=note)


def print_dismissed(
    consoles: Consoles, requested: list[int], closed: list[int]
) -> None:
    """Say which entries were dismissed and which were already resolved."""
    if closed:
        shown = ", ".join(str(entry) for entry in closed)
        consoles.ok(f"Dismissed (marked resolved): {shown}")
    else:
        consoles.ok("Nothing to dismiss")
    untouched = [entry for entry in requested if entry not in closed]
    if untouched:
        shown = ", ".join(str(entry) for entry in untouched)
        consoles.line(f"Already resolved, left as they were: {shown}")


def _state(record: FailedRecord) -> str:
    if not record.resolved:
        return ""
    if record.replayed_at is None:
        return "[dismissed] "
    return "[resolved] "


def print_failed(
    consoles: Consoles, records: list[FailedRecord], *, as_json: bool
) -> None:
    """Print the ledger as a table, or as a JSON array."""
    if as_json:
        consoles.out.file.write(json.dumps([failed_json(r) for r in records], indent=2))
        consoles.out.file.write("\n")
        return
    if not records:
        consoles.ok("No failed records")
        return
    open_records = [record for record in records if not record.resolved]
    closed = len(records) - len(open_records)
    counts = f"{len(open_records)} unresolved"
    if closed:
        counts += f", {closed} resolved"
    consoles.line(f"Failed records: {len(records)} ({counts})")
    for record in records:
        attempts = (
            "1 attempt" if record.attempts == 1 else f"{record.attempts} attempts"
        )
        consoles.line(
            f"  {_state(record)}#{record.id} {record.record_type} "
            f"{record.record_id}: {record.reason} ({record.source}, {attempts}, "
            f"last {format_instant(record.updated_at)})"
        )
        detail = record.detail
        if len(detail) > _DETAIL_WIDTH:
            detail = detail[: _DETAIL_WIDTH - 1] + "…"
        consoles.line(f"      {detail}")
    _print_next_steps(consoles, open_records)


def _print_next_steps(consoles: Consoles, open_records: list[FailedRecord]) -> None:
    replay_ids = [r.id for r in open_records if replayable(r)]
    other_ids = [r.id for r in open_records if not replayable(r)]
    if replay_ids:
        consoles.line(
            "Replay them with: tajo connectors replay gorgias --all (or --id N ...)"
        )
    if other_ids:
        shown = ", ".join(str(entry) for entry in other_ids[:10])
        consoles.line(
            f"Not replayable (webhook rejections or handler failures): {shown}; "
            "once dealt with, close them with: tajo connectors failed gorgias "
            "--dismiss ID ... (or --dismiss-all-rejected)"
        )


async def replay(
    runtime: Runtime, config: TajoConfig, ids: list[int] | None
) -> ReplayReport:
    """Replay ledger entries (`None`: every unresolved one) through the engine."""
    from tajo.cli.sync_cmd import open_engine

    async with open_engine(runtime, config, progress=NoProgress()) as engine:
        report: ReplayReport = await engine.replay_failed(ids)
    return report


def print_replay(consoles: Consoles, report: ReplayReport) -> bool:
    """Print what a replay did; return True when some entries still fail.

    Entries no replay can fix are reported but do not count as failing.
    """
    drain = report.drain
    consoles.line(
        f"Replayed: {report.refetched} records read again from Gorgias, "
        f"{report.requeued} Brevo writes queued again; sent {drain.contacts_written} "
        f"contacts, {drain.events_sent} events"
    )
    if report.resolved:
        shown = ", ".join(str(entry) for entry in report.resolved)
        consoles.ok(f"Resolved: {shown}")
    if report.not_replayable:
        shown = ", ".join(str(entry) for entry in report.not_replayable)
        consoles.line(
            f"Not replayable, left as they are: {shown} (rejected webhook "
            "deliveries or failed handlers; close them with `tajo connectors "
            "failed gorgias --dismiss ID ...` or --dismiss-all-rejected)"
        )
    if report.still_failing:
        shown = ", ".join(str(entry) for entry in report.still_failing)
        consoles.fail(
            f"Still failing: {shown}",
            fix="see the reasons with `tajo connectors failed gorgias`",
        )
        return True
    if not (report.resolved or report.not_replayable):
        consoles.ok("Nothing to replay")
    return False
