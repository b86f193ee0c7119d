"""Small Gorgias mirrors read in full (tags, users) and macro/rule activity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, select, update

from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import insert_for, of_connector


@dataclass(frozen=True, slots=True)
class TagRecord:
    """A Gorgias tag; `data` keeps the rest of the API object."""

    id: int
    name: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A Gorgias user (agent); `data` keeps the rest of the API object."""

    id: int
    name: str | None
    email: str | None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActivityCount:
    """How often a macro or rule was used, counted from Gorgias events."""

    kind: str
    object_id: int
    name: str | None
    count: int
    last_at: datetime | None


def replace_tags(tx: Tx, tags: Iterable[TagRecord]) -> None:
    """Make the stored tags exactly `tags`.

    Gorgias has no "changed since" filter for tags, so the sync reads them all
    and this drops the ones that are gone.
    """
    records = {tag.id: tag for tag in tags}
    _replace(
        tx,
        tables.tags,
        [
            {"id": tag.id, "name": tag.name, "data": dict(tag.data)}
            for tag in records.values()
        ],
    )


def replace_users(tx: Tx, users: Iterable[UserRecord]) -> None:
    """Make the stored users exactly `users`; the sync reads them all."""
    records = {user.id: user for user in users}
    _replace(
        tx,
        tables.users,
        [
            {"id": u.id, "name": u.name, "email": u.email, "data": dict(u.data)}
            for u in records.values()
        ],
    )


def _replace(tx: Tx, table: Table, values: list[dict[str, Any]]) -> None:
    now = tx.now()
    keep = [value["id"] for value in values]
    tx.conn.execute(
        delete(table).where(of_connector(tx, table), table.c.id.not_in(keep))
    )
    if not values:
        return
    statement = insert_for(tx, table).values(
        [
            {**value, "connector_id": tx.connector_id, "fetched_at": now}
            for value in values
        ]
    )
    columns = [name for name in values[0] if name != "id"] + ["fetched_at"]
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.id],
        set_={name: statement.excluded[name] for name in columns},
    )
    tx.conn.execute(statement)


def list_tags(tx: Tx) -> list[TagRecord]:
    """Return the stored tags, by name."""
    table = tables.tags
    query = select(table).where(of_connector(tx, table)).order_by(table.c.name)
    return [
        TagRecord(id=row["id"], name=row["name"], data=row["data"])
        for row in tx.conn.execute(query).mappings()
    ]


def get_users(tx: Tx) -> dict[int, UserRecord]:
    """Return the stored users keyed by id (to name ticket assignees)."""
    table = tables.users
    query = select(table).where(of_connector(tx, table))
    return {
        row["id"]: UserRecord(
            id=row["id"], name=row["name"], email=row["email"], data=row["data"]
        )
        for row in tx.conn.execute(query).mappings()
    }


def record_activity(
    tx: Tx,
    event_id: int,
    kind: str,
    object_id: int,
    *,
    name: str | None,
    at: datetime,
) -> bool:
    """Count one macro or rule use from Gorgias event `event_id`, once.

    Returns False, and counts nothing, when the event was already counted, so
    re-reading an overlapping window of events is harmless.
    """
    seen = insert_for(tx, tables.processed_events).values(
        connector_id=tx.connector_id, event_id=event_id, processed_at=tx.now()
    )
    seen = seen.on_conflict_do_nothing(
        index_elements=[
            tables.processed_events.c.connector_id,
            tables.processed_events.c.event_id,
        ]
    ).returning(tables.processed_events.c.event_id)
    if tx.conn.execute(seen).first() is None:
        return False
    table = tables.activity_counts
    bump = insert_for(tx, table).values(
        connector_id=tx.connector_id,
        kind=kind,
        object_id=object_id,
        name=name,
        count=1,
        last_at=at,
    )
    bump = bump.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.kind, table.c.object_id],
        set_={"count": table.c.count + 1},
    )
    tx.conn.execute(bump)
    # Events can arrive out of order: keep the latest use and its name.
    tx.conn.execute(
        update(table)
        .where(
            of_connector(tx, table),
            table.c.kind == kind,
            table.c.object_id == object_id,
            (table.c.last_at.is_(None)) | (table.c.last_at <= at),
        )
        .values(last_at=at, name=name if name is not None else table.c.name)
    )
    return True


def activity_counts(tx: Tx, *, kind: str | None = None) -> list[ActivityCount]:
    """Return usage counts, most used first, optionally of one kind only."""
    table = tables.activity_counts
    query = select(table).where(of_connector(tx, table))
    if kind is not None:
        query = query.where(table.c.kind == kind)
    query = query.order_by(table.c.count.desc(), table.c.kind, table.c.object_id)
    return [
        ActivityCount(
            kind=row["kind"],
            object_id=row["object_id"],
            name=row["name"],
            count=row["count"],
            last_at=row["last_at"],
        )
        for row in tx.conn.execute(query).mappings()
    ]
