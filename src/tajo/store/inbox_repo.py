"""Inbox reads for the real-time path: per-ticket claims and queue depths.

`claim_ticket_deliveries` differs from `claim_inbox` in two ways that the
workers need. It claims every due delivery of a ticket at once, so several
deliveries of one change are processed once. And it skips tickets whose
deliveries another worker holds, so two workers never process one ticket at
the same time.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, and_, func, or_, select, text, update

from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.queues import InboxItem
from tajo.store.sql import of_connector


@dataclass(frozen=True, slots=True)
class QueueDepths:
    """Work waiting in the two queues of one connector."""

    # Pending or claimed webhook deliveries.
    inbox: int
    # Pending or claimed Brevo operations.
    outbox: int
    # Receipt time of the oldest delivery not yet processed; None when empty.
    oldest_inbox_received_at: datetime | None


def ping(tx: Tx) -> None:
    """Run a trivial query, to check that the database responds."""
    tx.conn.execute(text("SELECT 1"))


def queue_depths(tx: Tx) -> QueueDepths:
    """Count the deliveries and Brevo operations still to do."""
    inbox = tables.inbox
    outbox = tables.outbox
    waiting = ("pending", "in_progress")
    inbox_row = tx.conn.execute(
        select(func.count(), func.min(inbox.c.received_at)).where(
            of_connector(tx, inbox), inbox.c.status.in_(waiting)
        )
    ).one()
    outbox_count = tx.conn.scalar(
        select(func.count()).where(
            of_connector(tx, outbox), outbox.c.status.in_(waiting)
        )
    )
    return QueueDepths(
        inbox=int(inbox_row[0] or 0),
        outbox=int(outbox_count or 0),
        oldest_inbox_received_at=inbox_row[1],
    )


def claim_ticket_deliveries(
    tx: Tx, worker: str, *, tickets: int = 20, lease_seconds: float = 300.0
) -> list[InboxItem]:
    """Claim every due delivery of up to `tickets` tickets, oldest ticket first.

    A ticket with a delivery held by another worker (claimed, lease not run
    out) is skipped until that worker finishes. Commit before processing: the
    claim is what other workers see. On PostgreSQL the claims of one
    connector are serialized by a transaction-scoped advisory lock, so two
    workers cannot both see a ticket as free, and the rows themselves are
    locked with FOR UPDATE SKIP LOCKED. SQLite's single writer gives the same
    guarantee.

    NOTE: the exclusivity is per ticket. Two tickets of one customer can be
    processed at once by two workers, and both plan that customer.
    """
    table = tables.inbox
    now = tx.now()
    if tx.dialect == "postgresql":
        tx.conn.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": _claim_lock_key(tx.connector_id)},
        )
    busy = select(table.c.ticket_id).where(
        of_connector(tx, table),
        table.c.status == "in_progress",
        table.c.claimed_until >= now,
        table.c.ticket_id.is_not(None),
    )
    due = or_(
        and_(table.c.status == "pending", table.c.next_attempt_at <= now),
        # The worker holding this claim died or stalled past its lease.
        and_(table.c.status == "in_progress", table.c.claimed_until < now),
    )
    free_due = and_(
        of_connector(tx, table),
        due,
        table.c.ticket_id.is_not(None),
        table.c.ticket_id.not_in(busy),
    )
    first_id = func.min(table.c.id)
    ticket_ids = list(
        tx.conn.scalars(
            select(table.c.ticket_id)
            .where(free_due)
            .group_by(table.c.ticket_id)
            .order_by(first_id)
            .limit(tickets)
        )
    )
    if not ticket_ids:
        return []
    row_ids = list(
        tx.conn.scalars(
            select(table.c.id)
            .where(free_due, table.c.ticket_id.in_(ticket_ids))
            .order_by(table.c.id)
            .with_for_update(skip_locked=True)
        )
    )
    if not row_ids:
        return []
    claimed = tx.conn.execute(
        update(table)
        .where(table.c.id.in_(row_ids))
        .values(
            status="in_progress",
            claimed_by=worker,
            claimed_until=now + timedelta(seconds=lease_seconds),
            attempts=table.c.attempts + 1,
        )
        .returning(*table.c)
    ).mappings()
    return sorted((_inbox_item(row) for row in claimed), key=lambda item: item.id)


def _claim_lock_key(connector_id: str) -> int:
    # Any stable 63-bit value works; it only has to match across processes.
    return zlib.crc32(f"tajo-inbox-claim:{connector_id}".encode())


def _inbox_item(row: RowMapping) -> InboxItem:
    return InboxItem(
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
