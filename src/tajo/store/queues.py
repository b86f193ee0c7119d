"""The outbox (Brevo operations) and the inbox (webhook deliveries).

Both are work queues with the same life cycle: pending → in_progress (claimed
by one worker until `claimed_until`) → done, or back to pending with a later
`next_attempt_at`, or failed. A claim whose lease ran out, because its worker
died, can be claimed again, so a worker must finish or renew in time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Table,
    and_,
    exists,
    or_,
    select,
    text,
    update,
)

from tajo.http.retry import Backoff
from tajo.redact import redact_headers, redact_text
from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import insert_for, of_connector

QueueStatus = Literal["pending", "in_progress", "done", "failed"]

# Errors are stored for people to read; keep them short.
ERROR_LIMIT = 500


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed Brevo operation: `kind` names it and `payload` carries it."""

    id: int
    kind: str
    payload: Any
    dedupe_key: str | None
    attempts: int
    claimed_until: datetime


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A claimed webhook delivery, as received (headers redacted)."""

    id: int
    received_at: datetime
    content_type: str | None
    headers: dict[str, str]
    body: bytes
    query_string: str
    ticket_id: int | None
    attempts: int
    claimed_until: datetime


def enqueue(
    tx: Tx,
    kind: str,
    payload: Any,
    *,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> int:
    """Add a Brevo operation to the outbox and return its row id.

    With a `dedupe_key`, a pending row with the same key is reused, and its
    payload is replaced by this newer one. A row already claimed is never
    changed, so a change made while it is being sent is queued anew and
    cannot be lost.
    """
    table = tables.outbox
    now = tx.now()
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        status="pending",
        attempts=0,
        next_attempt_at=not_before or now,
        created_at=now,
    )
    if dedupe_key is not None:
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.connector_id, table.c.dedupe_key],
            index_where=text("status = 'pending'"),
            set_={
                "kind": statement.excluded.kind,
                "payload": statement.excluded.payload,
            },
        )
    return int(tx.conn.execute(statement.returning(table.c.id)).scalar_one())


def add_delivery(
    tx: Tx,
    body: bytes,
    *,
    headers: Mapping[str, str],
    content_type: str | None,
    query_string: str = "",
    ticket_id: int | None = None,
) -> int:
    """Store a webhook delivery in the inbox and return its row id.

    Secret headers (Authorization, API keys, cookies) are masked before they
    are stored. The query string is stored as given, so the receiver must
    strip any secret it carries first.
    """
    table = tables.inbox
    now = tx.now()
    statement = (
        insert_for(tx, table)
        .values(
            connector_id=tx.connector_id,
            received_at=now,
            content_type=content_type,
            headers=redact_headers(headers),
            body=body,
            query_string=query_string,
            ticket_id=ticket_id,
            status="pending",
            attempts=0,
            next_attempt_at=now,
        )
        .returning(table.c.id)
    )
    return int(tx.conn.execute(statement).scalar_one())


def claim_outbox(
    tx: Tx, worker: str, *, limit: int = 100, lease_seconds: float = 300.0
) -> list[OutboxItem]:
    """Claim up to `limit` due outbox rows for `worker`, oldest first.

    Commit the transaction before doing the work: the claim is what other
    workers see. On PostgreSQL, rows locked by another claimer are skipped
    (FOR UPDATE SKIP LOCKED), so concurrent workers never get the same row.
    SQLite has a single writer at a time, which gives the same guarantee.
    """
    claimed = _claim(
        tx, tables.outbox, worker, limit=limit, lease_seconds=lease_seconds
    )
    return [
        OutboxItem(
            id=row["id"],
            kind=row["kind"],
            payload=row["payload"],
            dedupe_key=row["dedupe_key"],
            attempts=row["attempts"],
            claimed_until=row["claimed_until"],
        )
        for row in claimed
    ]


def claim_inbox(
    tx: Tx, worker: str, *, limit: int = 100, lease_seconds: float = 300.0
) -> list[InboxItem]:
    """Claim up to `limit` due webhook deliveries; see `claim_outbox`."""
    claimed = _claim(tx, tables.inbox, worker, limit=limit, lease_seconds=lease_seconds)
    return [
        InboxItem(
            id=row["id"],
            received_at=row["received_at"],
            content_type=row["content_type"],
            headers=dict(row["headers"]),
            body=bytes(row["body"]),
            query_string=row["query_string"],
            ticket_id=row["ticket_id"],
            attempts=row["attempts"],
            claimed_until=row["claimed_until"],
        )
        for row in claimed
    ]


def _claim(
    tx: Tx, table: Table, worker: str, *, limit: int, lease_seconds: float
) -> list[RowMapping]:
    now = tx.now()
    due = or_(
        and_(table.c.status == "pending", table.c.next_attempt_at <= now),
        # The worker holding this claim died or stalled past its lease.
        and_(table.c.status == "in_progress", table.c.claimed_until < now),
    )
    conditions = [of_connector(tx, table), due]
    if "dedupe_key" in table.c:
        conditions.append(~_key_in_flight(table, now))
    ids_query = (
        select(table.c.id)
        .where(*conditions)
        .order_by(table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(tx.conn.scalars(ids_query))
    if not ids:
        return []
    statement = (
        update(table)
        .where(table.c.id.in_(ids))
        .values(
            status="in_progress",
            claimed_by=worker,
            claimed_until=now + timedelta(seconds=lease_seconds),
            attempts=table.c.attempts + 1,
        )
        .returning(*table.c)
    )
    claimed = list(tx.conn.execute(statement).mappings())
    return sorted(claimed, key=lambda row: int(row["id"]))


def _key_in_flight(table: Table, now: datetime) -> ColumnElement[bool]:
    """Match rows whose dedupe key another worker is sending right now.

    A change queued while an earlier row of the same key is being sent gets a
    row of its own. That row waits until the earlier send settles, so two
    workers never write the same contact at once. The later row can then be
    compared with what the first one pushed.
    """
    busy = table.alias("busy")
    return exists().where(
        busy.c.connector_id == table.c.connector_id,
        busy.c.dedupe_key == table.c.dedupe_key,
        busy.c.id != table.c.id,
        busy.c.status == "in_progress",
        busy.c.claimed_until >= now,
    )


def complete_outbox(tx: Tx, worker: str, item_ids: Iterable[int]) -> int:
    """Mark claimed outbox rows done; returns how many were still ours."""
    return _finish(tx, tables.outbox, worker, item_ids, status="done", error=None)


def complete_inbox(tx: Tx, worker: str, item_ids: Iterable[int]) -> int:
    """Mark claimed deliveries done; returns how many were still ours."""
    return _finish(tx, tables.inbox, worker, item_ids, status="done", error=None)


def fail_outbox(tx: Tx, worker: str, item_ids: Iterable[int], *, error: str) -> int:
    """Give up on claimed outbox rows; the caller records why in the ledger."""
    return _finish(tx, tables.outbox, worker, item_ids, status="failed", error=error)


def fail_inbox(tx: Tx, worker: str, item_ids: Iterable[int], *, error: str) -> int:
    """Give up on claimed deliveries; the caller records why in the ledger."""
    return _finish(tx, tables.inbox, worker, item_ids, status="failed", error=error)


def retry_outbox(
    tx: Tx,
    worker: str,
    item_id: int,
    *,
    error: str,
    delay_seconds: float | None = None,
    backoff: Backoff | None = None,
) -> bool:
    """Put a claimed outbox row back to pending, due after a delay.

    Without `delay_seconds` the delay comes from `backoff` (default Backoff())
    and the row's attempt count. Returns False if the claim was no longer ours.
    """
    return _retry(
        tx, tables.outbox, worker, item_id, error, delay_seconds, backoff or Backoff()
    )


def retry_inbox(
    tx: Tx,
    worker: str,
    item_id: int,
    *,
    error: str,
    delay_seconds: float | None = None,
    backoff: Backoff | None = None,
) -> bool:
    """Put a claimed delivery back to pending; see `retry_outbox`."""
    return _retry(
        tx, tables.inbox, worker, item_id, error, delay_seconds, backoff or Backoff()
    )


def _mine(tx: Tx, table: Table, worker: str) -> Any:
    # A claim that expired and was taken by another worker is no longer ours;
    # finishing it here would overwrite that worker's outcome.
    return and_(
        of_connector(tx, table),
        table.c.status == "in_progress",
        table.c.claimed_by == worker,
    )


def _finish(
    tx: Tx,
    table: Table,
    worker: str,
    item_ids: Iterable[int],
    *,
    status: QueueStatus,
    error: str | None,
) -> int:
    ids = list(item_ids)
    if not ids:
        return 0
    values: dict[str, Any] = {"status": status, "claimed_until": None}
    if status == "done":
        values["done_at"] = tx.now()
    if error is not None:
        values["last_error"] = redact_text(error, limit=ERROR_LIMIT)
    result = tx.conn.execute(
        update(table)
        .where(_mine(tx, table, worker), table.c.id.in_(ids))
        .values(values)
    )
    return int(result.rowcount)


def _retry(
    tx: Tx,
    table: Table,
    worker: str,
    item_id: int,
    error: str,
    delay_seconds: float | None,
    backoff: Backoff,
) -> bool:
    attempts = tx.conn.scalar(
        select(table.c.attempts).where(_mine(tx, table, worker), table.c.id == item_id)
    )
    if attempts is None:
        return False
    delay = delay_seconds if delay_seconds is not None else backoff.delay(attempts)
    result = tx.conn.execute(
        update(table)
        .where(_mine(tx, table, worker), table.c.id == item_id)
        .values(
            status="pending",
            claimed_by=None,
            claimed_until=None,
            next_attempt_at=tx.now() + timedelta(seconds=delay),
            last_error=redact_text(error, limit=ERROR_LIMIT),
        )
    )
    return result.rowcount > 0


def requeue_failed_outbox(tx: Tx, item_ids: Iterable[int]) -> int:
    """Put failed outbox rows back to pending, for a replay command.

    Attempts restart at zero. A failed row whose dedupe key is pending again
    stays failed, because the pending row carries a newer payload. Of several
    failed rows with one key, only the newest goes back.
    """
    table = tables.outbox
    pending_keys = select(table.c.dedupe_key).where(
        of_connector(tx, table),
        table.c.status == "pending",
        table.c.dedupe_key.is_not(None),
    )
    requeued = 0
    # One row at a time, newest first, so each update checks the keys that the
    # previous updates made pending.
    for item_id in sorted(set(item_ids), reverse=True):
        result = tx.conn.execute(
            update(table)
            .where(
                of_connector(tx, table),
                table.c.id == item_id,
                table.c.status == "failed",
                or_(
                    table.c.dedupe_key.is_(None),
                    table.c.dedupe_key.not_in(pending_keys),
                ),
            )
            .values(
                status="pending", attempts=0, next_attempt_at=tx.now(), claimed_by=None
            )
        )
        requeued += result.rowcount
    return requeued
