"""`client.connectors.status("gorgias")`: what is synced, queued and failing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tajo.config import TajoConfig
from tajo.store import Store, get_connection, store_status


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorStatus:
    """One connector's state, as `tajo connectors status` shows it."""

    connector: str
    # A Gorgias key is configured or stored.
    connected: bool
    # When the last successful sync finished; None before the first one.
    last_sync: datetime | None
    # Status of the most recent run, successful or not.
    last_run_status: str | None
    customers_count: int
    tickets_tracked: int
    csat_responses: int
    inbox_pending: int
    outbox_pending: int
    outbox_failed: int
    # Unresolved entries of the failed-record ledger.
    failed_records: int
    # Seconds the last run waited for the Gorgias and Brevo rate limits.
    throttled_seconds: float

    def as_dict(self) -> dict[str, Any]:
        """Return the status with the camelCase keys of `status --json`."""
        return {
            "connector": self.connector,
            "connected": self.connected,
            "lastSync": self.last_sync.isoformat() if self.last_sync else None,
            "lastRunStatus": self.last_run_status,
            "customersCount": self.customers_count,
            "ticketsTracked": self.tickets_tracked,
            "csatResponses": self.csat_responses,
            "inboxPending": self.inbox_pending,
            "outboxPending": self.outbox_pending,
            "outboxFailed": self.outbox_failed,
            "failedRecords": self.failed_records,
            "throttledSeconds": self.throttled_seconds,
        }


def connector_status(
    store: Store, config: TajoConfig, *, connector_id: str
) -> ConnectorStatus:
    """Count what the store holds for `connector_id`."""
    with store.transaction(connector_id, read_only=True) as tx:
        totals = store_status(tx)
        stored = get_connection(tx)
    last = totals.last_sync
    done = totals.last_successful_sync
    return ConnectorStatus(
        connector=connector_id,
        connected=config.gorgias.api_key is not None or stored is not None,
        last_sync=done.finished_at if done else None,
        last_run_status=last.status if last else None,
        customers_count=totals.customers_count,
        tickets_tracked=totals.tickets_tracked,
        csat_responses=totals.csat_responses,
        inbox_pending=totals.inbox_pending,
        outbox_pending=totals.outbox_pending,
        outbox_failed=totals.outbox_failed,
        failed_records=totals.failed_records,
        throttled_seconds=last.throttled_seconds if last else 0.0,
    )
