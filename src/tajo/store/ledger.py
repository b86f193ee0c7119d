"""The emitted-event ledger (idempotency) and the failed-record ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import RowMapping, select, text, update

from tajo.redact import redact_text
from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import insert_for, of_connector

EventState = Literal["planned", "sent", "skipped_backfill", "failed"]
FailureSource = Literal["sync", "webhook", "writer"]

# Failed-record details are for people to read; keep them short.
DETAIL_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class EmittedEvent:
    """One transition in the idempotency ledger."""

    idempotency_key: str
    event_name: str
    customer_id: int | None
    event_date: datetime
    state: EventState
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class FailedRecord:
    """One entry of the failed-record ledger."""

    id: int
    source: FailureSource
    record_type: str
    record_id: str
    reason: str
    detail: str
    payload: Any
    created_at: datetime
    updated_at: datetime
    replayed_at: datetime | None
    resolved: bool
    attempts: int


def record_emitted_event(
    tx: Tx,
    idempotency_key: str,
    event_name: str,
    *,
    customer_id: int | None,
    event_date: datetime,
    state: EventState = "planned",
) -> bool:
    """Add a transition to the ledger unless its key is already there.

    Returns True only for the call that added it. The caller builds the key
    from the ticket id, the transition and the source timestamp. So the poller
    and the webhook path agree on it, even when retried or run at the same
    time, and only the one that gets True goes on to send the event.
    """
    table = tables.emitted_events
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        idempotency_key=idempotency_key,
        event_name=event_name,
        customer_id=customer_id,
        event_date=event_date,
        state=state,
        created_at=tx.now(),
    )
    statement = statement.on_conflict_do_nothing(
        index_elements=[table.c.connector_id, table.c.idempotency_key]
    ).returning(table.c.idempotency_key)
    # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT.
    return tx.conn.execute(statement).first() is not None


def set_event_state(tx: Tx, idempotency_key: str, state: EventState) -> bool:
    """Move a ledger entry to `state`; "sent" also stamps `sent_at`.

    Returns False when the key is not in the ledger.
    """
    table = tables.emitted_events
    values: dict[str, Any] = {"state": state}
    if state == "sent":
        values["sent_at"] = tx.now()
    result = tx.conn.execute(
        update(table)
        .where(of_connector(tx, table), table.c.idempotency_key == idempotency_key)
        .values(values)
    )
    return result.rowcount > 0


def mark_event_sent(tx: Tx, idempotency_key: str) -> bool:
    """Mark a ledger entry sent; returns False when the key is unknown."""
    return set_event_state(tx, idempotency_key, "sent")


def get_emitted_event(tx: Tx, idempotency_key: str) -> EmittedEvent | None:
    """Return the ledger entry for `idempotency_key`, or None."""
    table = tables.emitted_events
    query = select(table).where(
        of_connector(tx, table), table.c.idempotency_key == idempotency_key
    )
    row = tx.conn.execute(query).mappings().first()
    if row is None:
        return None
    return EmittedEvent(
        idempotency_key=row["idempotency_key"],
        event_name=row["event_name"],
        customer_id=row["customer_id"],
        event_date=row["event_date"],
        state=row["state"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )


def add_failed_record(
    tx: Tx,
    source: FailureSource,
    record_type: str,
    record_id: str | int,
    *,
    reason: str,
    detail: str,
    payload: Any = None,
) -> int:
    """Add a record that could not be processed, and return the entry's id.

    While an unresolved entry exists for the same source, record and reason,
    a repeat failure updates it (detail, payload, attempts + 1) instead of
    adding another. `detail` is redacted and cut to DETAIL_LIMIT characters;
    the caller must keep secrets out of `payload`.
    """
    table = tables.failed_records
    now = tx.now()
    clean = redact_text(detail, limit=DETAIL_LIMIT)
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        source=source,
        record_type=record_type,
        record_id=str(record_id),
        reason=reason,
        detail=clean,
        payload=payload,
        created_at=now,
        updated_at=now,
        resolved=False,
        attempts=1,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[
            table.c.connector_id,
            table.c.source,
            table.c.record_type,
            table.c.record_id,
            table.c.reason,
        ],
        index_where=_open_entry(tx),
        set_={
            "detail": statement.excluded.detail,
            "payload": statement.excluded.payload,
            "updated_at": statement.excluded.updated_at,
            "attempts": table.c.attempts + 1,
        },
    ).returning(table.c.id)
    return int(tx.conn.execute(statement).scalar_one())


def _open_entry(tx: Tx) -> Any:
    # Must repeat the partial index's predicate word for word for the
    # database to match the ON CONFLICT target to that index.
    if tx.dialect == "postgresql":
        return text("resolved = false")
    return text("resolved = 0")


def list_failed_records(
    tx: Tx,
    *,
    source: FailureSource | None = None,
    include_resolved: bool = False,
    limit: int = 100,
) -> list[FailedRecord]:
    """Return failed records, newest first; unresolved ones unless asked."""
    table = tables.failed_records
    query = select(table).where(of_connector(tx, table))
    if source is not None:
        query = query.where(table.c.source == source)
    if not include_resolved:
        query = query.where(table.c.resolved.is_(False))
    query = query.order_by(table.c.updated_at.desc(), table.c.id.desc()).limit(limit)
    return [_failed_record(row) for row in tx.conn.execute(query).mappings()]


def get_failed_record(tx: Tx, entry_id: int) -> FailedRecord | None:
    """Return one failed record by id, or None."""
    table = tables.failed_records
    query = select(table).where(of_connector(tx, table), table.c.id == entry_id)
    row = tx.conn.execute(query).mappings().first()
    return _failed_record(row) if row else None


def mark_replayed(tx: Tx, entry_id: int, *, resolved: bool) -> bool:
    """Stamp a replay of the entry; `resolved=True` closes it.

    Returns False when the entry does not exist or is already resolved.
    """
    table = tables.failed_records
    result = tx.conn.execute(
        update(table)
        .where(
            of_connector(tx, table),
            table.c.id == entry_id,
            table.c.resolved.is_(False),
        )
        .values(replayed_at=tx.now(), updated_at=tx.now(), resolved=resolved)
    )
    return result.rowcount > 0


def dismiss_failed_records(tx: Tx, entry_ids: Iterable[int], *, note: str) -> list[int]:
    """Close unresolved entries without a replay, adding `note` to their detail.

    For entries no replay can fix, such as rejected webhook deliveries. The
    note is kept (redacted, cut to fit DETAIL_LIMIT) after the original
    detail. `replayed_at` stays empty, so a dismissed entry differs from a
    replayed one. Returns the ids that were closed; unknown or already
    resolved ids are left out.
    """
    closed: list[int] = []
    for entry_id in dict.fromkeys(entry_ids):
        entry = get_failed_record(tx, entry_id)
        if entry is None or entry.resolved:
            continue
        suffix = f" [dismissed: {redact_text(note, limit=200)}]"
        detail = entry.detail[: max(DETAIL_LIMIT - len(suffix), 0)] + suffix
        table = tables.failed_records
        result = tx.conn.execute(
            update(table)
            .where(
                of_connector(tx, table),
                table.c.id == entry_id,
                table.c.resolved.is_(False),
            )
            .values(detail=detail, updated_at=tx.now(), resolved=True)
        )
        if result.rowcount > 0:
            closed.append(entry_id)
    return closed


def _failed_record(row: RowMapping) -> FailedRecord:
    return FailedRecord(
        id=row["id"],
        source=row["source"],
        record_type=row["record_type"],
        record_id=row["record_id"],
        reason=row["reason"],
        detail=row["detail"],
        payload=row["payload"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        replayed_at=row["replayed_at"],
        resolved=bool(row["resolved"]),
        attempts=row["attempts"],
    )
