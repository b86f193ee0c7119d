"""Totals for `tajo connectors status`, computed from the store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, func, select

from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.runs import SyncRun, last_sync_run
from tajo.store.sql import of_connector


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """Totals of one connector's synced, queued and failed records."""

    # Customers not deleted or merged away.
    customers_count: int
    tickets_tracked: int
    # Surveys that have a score.
    csat_responses: int
    outbox_pending: int
    outbox_failed: int
    inbox_pending: int
    inbox_failed: int
    # Unresolved entries of the failed-record ledger.
    failed_records: int
    last_sync: SyncRun | None
    last_successful_sync: SyncRun | None


def store_status(tx: Tx) -> StoreStatus:
    """Count what the connector has synced, queued and failed."""
    customers = tables.customers
    surveys = tables.surveys
    return StoreStatus(
        customers_count=_count(tx, customers, customers.c.deleted_at.is_(None)),
        tickets_tracked=_count(tx, tables.tickets),
        csat_responses=_count(tx, surveys, surveys.c.score.is_not(None)),
        outbox_pending=_queue_depth(tx, tables.outbox, "pending", "in_progress"),
        outbox_failed=_queue_depth(tx, tables.outbox, "failed"),
        inbox_pending=_queue_depth(tx, tables.inbox, "pending", "in_progress"),
        inbox_failed=_queue_depth(tx, tables.inbox, "failed"),
        failed_records=_count(
            tx, tables.failed_records, tables.failed_records.c.resolved.is_(False)
        ),
        last_sync=last_sync_run(tx),
        last_successful_sync=last_sync_run(tx, status="succeeded"),
    )


def _queue_depth(tx: Tx, table: Table, *statuses: str) -> int:
    return _count(tx, table, table.c.status.in_(statuses))


def _count(tx: Tx, table: Table, *conditions: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(table).where(of_connector(tx, table))
    if conditions:
        query = query.where(*conditions)
    return int(tx.conn.scalar(query) or 0)
