"""Bulk outbox and ledger writes of the sync engine, and outbox reads.

The queue and ledger modules write one row per call; a sync queues and
settles thousands, so these run one statement over many parameter sets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update

from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.links import ContactLink
from tajo.store.sql import insert_for, of_connector


def record_emitted_events(tx: Tx, entries: Sequence[Mapping[str, Any]]) -> set[str]:
    """Add many transitions to the idempotency ledger at once.

    Each entry has `idempotency_key`, `event_name`, `customer_id`,
    `event_date` and `state`. Returns the keys that were added by this call;
    a key already in the ledger is left as it is, like `record_emitted_event`.
    """
    table = tables.emitted_events
    unique = {entry["idempotency_key"]: entry for entry in entries}
    if not unique:
        return set()
    values = [
        {**entry, "connector_id": tx.connector_id, "created_at": tx.now()}
        for entry in unique.values()
    ]
    statement = (
        insert_for(tx, table)
        .on_conflict_do_nothing(
            index_elements=[table.c.connector_id, table.c.idempotency_key]
        )
        .returning(table.c.idempotency_key)
    )
    # One statement run over many parameter sets: compiled once, sent in
    # batches, and RETURNING still names each inserted key.
    return set(tx.conn.scalars(statement, values))


def enqueue_many(tx: Tx, operations: Sequence[tuple[str, Any, str]]) -> None:
    """Queue `(kind, payload, dedupe_key)` operations like `enqueue` does.

    A pending row with the same dedupe key gets the newer payload; a claimed
    row is never changed, so a change made while it is sent is queued anew.
    """
    if not operations:
        return
    table = tables.outbox
    now = tx.now()
    latest = {key: (kind, payload) for kind, payload, key in operations}
    values = [
        {
            "connector_id": tx.connector_id,
            "kind": kind,
            "payload": payload,
            "dedupe_key": key,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for key, (kind, payload) in latest.items()
    ]
    statement = insert_for(tx, table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.dedupe_key],
        index_where=text("status = 'pending'"),
        set_={"kind": statement.excluded.kind, "payload": statement.excluded.payload},
    )
    tx.conn.execute(statement, values)


def save_contact_links(tx: Tx, links: Sequence[ContactLink]) -> None:
    """Insert or replace many contact links, like `save_contact_link`."""
    if not links:
        return
    table = tables.contact_links
    values = [
        {
            "connector_id": tx.connector_id,
            "customer_id": link.customer_id,
            "email": link.email,
            "sms": link.sms,
            "ext_id": link.ext_id,
            "brevo_contact_id": link.brevo_contact_id,
            "last_pushed_attributes": dict(link.last_pushed_attributes),
            "last_pushed_hash": link.last_pushed_hash,
            "list_ids": list(link.list_ids),
            "pushed_at": link.pushed_at,
        }
        for link in {link.customer_id: link for link in links}.values()
    ]
    statement = insert_for(tx, table)
    columns = [
        name for name in values[0] if name not in ("connector_id", "customer_id")
    ]
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.customer_id],
        set_={name: statement.excluded[name] for name in columns},
    )
    tx.conn.execute(statement, values)


def claiming_workers(tx: Tx) -> set[str]:
    """Return the workers that hold claimed outbox rows now."""
    table = tables.outbox
    query = (
        select(table.c.claimed_by)
        .where(
            of_connector(tx, table),
            table.c.status == "in_progress",
            table.c.claimed_by.is_not(None),
        )
        .distinct()
    )
    return {str(worker) for worker in tx.conn.scalars(query)}


def release_worker_claims(tx: Tx, worker: str) -> int:
    """Put the rows a dead worker had claimed back to pending.

    Call it only for a worker known to be gone: its claim would otherwise
    block those rows until the claim's lease runs out.
    """
    table = tables.outbox
    result = tx.conn.execute(
        update(table)
        .where(
            of_connector(tx, table),
            table.c.status == "in_progress",
            table.c.claimed_by == worker,
        )
        .values(status="pending", claimed_by=None, claimed_until=None)
    )
    return int(result.rowcount)


@dataclass(frozen=True, slots=True)
class QueuedOperation:
    """A pending outbox row, as a dry run lists it."""

    id: int
    kind: str
    payload: Any


def pending_operations(tx: Tx, *, since_id: int = 0) -> list[QueuedOperation]:
    """Return the pending outbox rows with an id above `since_id`, in order."""
    table = tables.outbox
    query = (
        select(table.c.id, table.c.kind, table.c.payload)
        .where(
            of_connector(tx, table),
            table.c.status == "pending",
            table.c.id > since_id,
        )
        .order_by(table.c.id)
    )
    return [
        QueuedOperation(int(r.id), r.kind, r.payload) for r in tx.conn.execute(query)
    ]


def last_outbox_id(tx: Tx) -> int:
    """Return the highest outbox row id of the connector, 0 when empty."""
    table = tables.outbox
    query = select(func.max(table.c.id)).where(of_connector(tx, table))
    return int(tx.conn.scalar(query) or 0)


def outbox_depth(tx: Tx) -> int:
    """Return the pending and claimed outbox rows of the connector."""
    table = tables.outbox
    query = (
        select(func.count())
        .select_from(table)
        .where(of_connector(tx, table), table.c.status.in_(("pending", "in_progress")))
    )
    return int(tx.conn.scalar(query) or 0)


def next_outbox_due(tx: Tx) -> datetime | None:
    """Return when the earliest pending outbox row becomes due, or None."""
    table = tables.outbox
    query = select(func.min(table.c.next_attempt_at)).where(
        of_connector(tx, table), table.c.status == "pending"
    )
    value: datetime | None = tx.conn.scalar(query)
    return value


def mark_events_sent(tx: Tx, keys: Sequence[str]) -> None:
    """Mark many idempotency-ledger entries sent, like `mark_event_sent`."""
    table = tables.emitted_events
    now = tx.now()
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), 500):
        tx.conn.execute(
            update(table)
            .where(
                of_connector(tx, table),
                table.c.idempotency_key.in_(wanted[start : start + 500]),
            )
            .values(state="sent", sent_at=now)
        )
