"""Sync bookkeeping: runs, watermarks and the leases that keep syncs exclusive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import RowMapping, case, delete, or_, select, update

from tajo.errors import LeaseHeldError
from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import insert_for, of_connector

RunType = Literal["full", "incremental"]
RunStatus = Literal["running", "succeeded", "failed", "interrupted"]


@dataclass(frozen=True, slots=True)
class SyncRun:
    """One sync run and what it did."""

    id: int
    type: RunType
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    # Records read or written per resource, such as {"customers": 120}.
    counts: dict[str, int]
    # Skipped records per reason, such as {"no_identifier": 3}.
    skips: dict[str, int]
    failures: int
    throttled_seconds: float
    gorgias_requests: int
    brevo_requests: int
    # Work left when the run stopped, such as {"outbox": 12}.
    pending: dict[str, int]


@dataclass(frozen=True, slots=True)
class Lease:
    """A held lease: `holder` owns it until `expires_at`."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime


def start_sync_run(tx: Tx, run_type: RunType) -> int:
    """Record the start of a run and return its id."""
    table = tables.sync_runs
    statement = (
        insert_for(tx, table)
        .values(
            connector_id=tx.connector_id,
            type=run_type,
            started_at=tx.now(),
            status="running",
            counts={},
            skips={},
            failures=0,
            throttled_seconds=0.0,
            gorgias_requests=0,
            brevo_requests=0,
            pending={},
        )
        .returning(table.c.id)
    )
    return int(tx.conn.execute(statement).scalar_one())


def update_sync_run(
    tx: Tx,
    run_id: int,
    *,
    counts: Mapping[str, int] | None = None,
    skips: Mapping[str, int] | None = None,
    failures: int | None = None,
    throttled_seconds: float | None = None,
    gorgias_requests: int | None = None,
    brevo_requests: int | None = None,
    pending: Mapping[str, int] | None = None,
) -> None:
    """Overwrite the given totals of a run; the caller keeps the running sums.

    Call it with each committed page, so a killed run still shows its progress.
    """
    values = _totals(
        counts=counts,
        skips=skips,
        failures=failures,
        throttled_seconds=throttled_seconds,
        gorgias_requests=gorgias_requests,
        brevo_requests=brevo_requests,
        pending=pending,
    )
    if values:
        _update_run(tx, run_id, values)


def finish_sync_run(tx: Tx, run_id: int, status: RunStatus, **totals: Any) -> None:
    """Record the end of a run with its final status and, optionally, totals.

    `totals` takes the keyword arguments of `update_sync_run`.
    """
    _update_run(
        tx, run_id, {**_totals(**totals), "status": status, "finished_at": tx.now()}
    )


def _totals(
    *,
    counts: Mapping[str, int] | None = None,
    skips: Mapping[str, int] | None = None,
    failures: int | None = None,
    throttled_seconds: float | None = None,
    gorgias_requests: int | None = None,
    brevo_requests: int | None = None,
    pending: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    given: dict[str, Any] = {
        "counts": dict(counts) if counts is not None else None,
        "skips": dict(skips) if skips is not None else None,
        "failures": failures,
        "throttled_seconds": throttled_seconds,
        "gorgias_requests": gorgias_requests,
        "brevo_requests": brevo_requests,
        "pending": dict(pending) if pending is not None else None,
    }
    return {name: value for name, value in given.items() if value is not None}


def _update_run(tx: Tx, run_id: int, values: dict[str, Any]) -> None:
    table = tables.sync_runs
    tx.conn.execute(
        update(table)
        .where(of_connector(tx, table), table.c.id == run_id)
        .values(values)
    )


def interrupt_running_runs(tx: Tx) -> int:
    """Mark runs left "running" as interrupted; returns how many.

    Call it right after acquiring the sync lease: any run still marked running
    then belongs to a process that died without finishing it.
    """
    table = tables.sync_runs
    result = tx.conn.execute(
        update(table)
        .where(of_connector(tx, table), table.c.status == "running")
        .values(status="interrupted", finished_at=tx.now())
    )
    return int(result.rowcount)


def get_sync_run(tx: Tx, run_id: int) -> SyncRun | None:
    """Return one run by id, or None."""
    table = tables.sync_runs
    query = select(table).where(of_connector(tx, table), table.c.id == run_id)
    row = tx.conn.execute(query).mappings().first()
    return _sync_run(row) if row else None


def last_sync_run(
    tx: Tx, *, status: RunStatus | None = None, mode: str | None = None
) -> SyncRun | None:
    """Return the most recently started run, optionally of that status and mode."""
    table = tables.sync_runs
    query = select(table).where(of_connector(tx, table))
    if status is not None:
        query = query.where(table.c.status == status)
    if mode is not None:
        query = query.where(table.c.type == mode)
    query = query.order_by(table.c.started_at.desc(), table.c.id.desc()).limit(1)
    row = tx.conn.execute(query).mappings().first()
    return _sync_run(row) if row else None


def _sync_run(row: RowMapping) -> SyncRun:
    return SyncRun(
        id=row["id"],
        type=row["type"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        counts=dict(row["counts"]),
        skips=dict(row["skips"]),
        failures=row["failures"],
        throttled_seconds=row["throttled_seconds"],
        gorgias_requests=row["gorgias_requests"],
        brevo_requests=row["brevo_requests"],
        pending=dict(row["pending"]),
    )


def get_watermark(tx: Tx, resource: str) -> datetime | None:
    """Return the resource's datetime watermark, or None before the first sync."""
    table = tables.watermarks
    query = select(table.c.value_at).where(
        of_connector(tx, table), table.c.resource == resource
    )
    value: datetime | None = tx.conn.scalar(query)
    return value


def set_watermark(tx: Tx, resource: str, value: datetime) -> datetime:
    """Move the resource's watermark forward to `value`; return the stored one.

    A watermark never moves back: an older `value` leaves the stored one in
    place. Call `delete_watermark` to start a resource over.
    """
    table = tables.watermarks
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        resource=resource,
        value_at=value,
        updated_at=tx.now(),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.resource],
        set_={"value_at": statement.excluded.value_at, "updated_at": tx.now()},
        where=or_(table.c.value_at.is_(None), table.c.value_at < value),
    )
    tx.conn.execute(statement)
    stored = get_watermark(tx, resource)
    return stored if stored is not None else value


def get_text_watermark(tx: Tx, resource: str) -> str | None:
    """Return a watermark kept as text (such as the last event id), or None."""
    table = tables.watermarks
    query = select(table.c.value_text).where(
        of_connector(tx, table), table.c.resource == resource
    )
    value: str | None = tx.conn.scalar(query)
    return value


def set_text_watermark(tx: Tx, resource: str, value: str) -> None:
    """Store a text watermark; unlike `set_watermark` it always overwrites."""
    table = tables.watermarks
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        resource=resource,
        value_text=value,
        updated_at=tx.now(),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.resource],
        set_={"value_text": value, "updated_at": tx.now()},
    )
    tx.conn.execute(statement)


def delete_watermark(tx: Tx, resource: str) -> None:
    """Forget the resource's watermark, so the next sync reads it in full."""
    table = tables.watermarks
    tx.conn.execute(
        delete(table).where(of_connector(tx, table), table.c.resource == resource)
    )


def acquire_lease(tx: Tx, name: str, holder: str, *, ttl_seconds: float) -> Lease:
    """Take the lease `name` for `holder` for `ttl_seconds`, or renew it.

    The lease is free when it has no holder or its holder let it expire. The
    holder that already has it gets a new expiry.

    Raises:
        LeaseHeldError: another holder has the lease and it has not expired.
    """
    table = tables.leases
    now = tx.now()
    expires_at = now + timedelta(seconds=ttl_seconds)
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        name=name,
        holder=holder,
        acquired_at=now,
        expires_at=expires_at,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.name],
        set_={
            "holder": statement.excluded.holder,
            "expires_at": statement.excluded.expires_at,
            # Keep the first acquisition time across renewals by one holder.
            "acquired_at": case(
                (table.c.holder == holder, table.c.acquired_at),
                else_=statement.excluded.acquired_at,
            ),
        },
        where=or_(table.c.holder == holder, table.c.expires_at <= now),
    ).returning(table.c.acquired_at)
    acquired_at = tx.conn.execute(statement).scalar()
    if acquired_at is None:
        current = get_lease(tx, name)
        raise _held(tx, name, current)
    return Lease(
        name=name, holder=holder, acquired_at=acquired_at, expires_at=expires_at
    )


def renew_lease(tx: Tx, name: str, holder: str, *, ttl_seconds: float) -> Lease:
    """Extend a lease that `holder` still has.

    Raises:
        LeaseHeldError: the lease expired and another holder took it. The
            caller must stop, because that holder may now be doing the same work.
    """
    table = tables.leases
    now = tx.now()
    expires_at = now + timedelta(seconds=ttl_seconds)
    acquired_at = tx.conn.scalar(
        update(table)
        .where(of_connector(tx, table), table.c.name == name, table.c.holder == holder)
        .values(expires_at=expires_at)
        .returning(table.c.acquired_at)
    )
    if acquired_at is None:
        # No other holder took it over, so taking it back is as safe as a first acquire.
        return acquire_lease(tx, name, holder, ttl_seconds=ttl_seconds)
    return Lease(
        name=name, holder=holder, acquired_at=acquired_at, expires_at=expires_at
    )


def release_lease(tx: Tx, name: str, holder: str) -> bool:
    """Give the lease up if `holder` has it; returns False otherwise."""
    table = tables.leases
    result = tx.conn.execute(
        delete(table).where(
            of_connector(tx, table), table.c.name == name, table.c.holder == holder
        )
    )
    return result.rowcount > 0


def get_lease(tx: Tx, name: str) -> Lease | None:
    """Return the lease row, expired or not, or None when it has no holder."""
    table = tables.leases
    query = select(table).where(of_connector(tx, table), table.c.name == name)
    row = tx.conn.execute(query).mappings().first()
    if row is None:
        return None
    return Lease(
        name=row["name"],
        holder=row["holder"],
        acquired_at=row["acquired_at"],
        expires_at=row["expires_at"],
    )


def _held(tx: Tx, name: str, lease: Lease | None) -> LeaseHeldError:
    holder = lease.holder if lease else "unknown"
    expires = lease.expires_at.isoformat() if lease else "unknown"
    return LeaseHeldError(
        f"lease held by another process: connector={tx.connector_id} name={name} "
        f"holder={holder} expires_at={expires}; expected no other run of this "
        "work; wait for that run to finish or for the lease to expire, or stop "
        "the holder"
    )
