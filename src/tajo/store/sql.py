"""Small SQL helpers shared by the repository modules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from tajo.store.database import Tx

# SQLite allows 32766 bound parameters per statement; stay far below it.
IN_CHUNK = 500


def insert_for(tx: Tx, table: Table) -> Any:
    """Return the dialect's INSERT, which has `on_conflict_do_*`.

    Both dialects spell ON CONFLICT the same way in SQLAlchemy, so callers use
    one code path. The return type is Any because the two classes share no
    base class that declares those methods.
    """
    if tx.dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def of_connector(tx: Tx, table: Table) -> ColumnElement[bool]:
    """Return the condition that keeps a query on the transaction's connector."""
    return table.c.connector_id == tx.connector_id


def chunks(values: Iterable[int], size: int = IN_CHUNK) -> Iterable[Sequence[int]]:
    """Yield `values` in lists of at most `size`, for IN (...) clauses."""
    batch: list[int] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
