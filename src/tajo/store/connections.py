"""Stored connections: where an account lives and its encrypted API key.

This module stores ciphertext only; `tajo.credentials` encrypts and decrypts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import RowMapping, delete, select, update

from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import insert_for, of_connector


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    """A stored connection; `api_key_encrypted` is a Fernet token."""

    connector_id: str
    kind: str
    domain: str
    base_url: str | None
    email: str | None
    api_key_encrypted: bytes
    key_fingerprint: str
    created_at: datetime
    updated_at: datetime
    rotated_at: datetime | None


def put_connection(
    tx: Tx,
    kind: str,
    domain: str,
    *,
    base_url: str | None,
    email: str | None,
    api_key_encrypted: bytes,
    key_fingerprint: str,
) -> None:
    """Insert or replace the transaction connector's connection.

    Replacing keeps `created_at` and `rotated_at`; use `set_connection_key` to
    change only the key.
    """
    table = tables.connections
    now = tx.now()
    values = {
        "kind": kind,
        "domain": domain,
        "base_url": base_url,
        "email": email,
        "api_key_encrypted": api_key_encrypted,
        "key_fingerprint": key_fingerprint,
        "updated_at": now,
    }
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id, created_at=now, **values
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id],
        set_={name: statement.excluded[name] for name in values},
    )
    tx.conn.execute(statement)


def get_connection(tx: Tx, *, for_update: bool = False) -> ConnectionRow | None:
    """Return the transaction connector's connection, or None."""
    table = tables.connections
    query = select(table).where(of_connector(tx, table))
    if for_update:
        query = query.with_for_update()
    row = tx.conn.execute(query).mappings().first()
    return _connection(row) if row else None


def list_connections(tx: Tx) -> list[ConnectionRow]:
    """Return the connections of every connector, not only the transaction's."""
    table = tables.connections
    query = select(table).order_by(table.c.connector_id).with_for_update()
    return [_connection(row) for row in tx.conn.execute(query).mappings()]


def set_connection_key(
    tx: Tx,
    connector_id: str,
    api_key_encrypted: bytes,
    *,
    key_fingerprint: str,
    rotated: bool,
) -> bool:
    """Replace one connector's ciphertext; False when it has no connection.

    `rotated=True` means the API key itself changed and stamps `rotated_at`;
    re-encrypting the same key under a new encryption key does not.
    """
    table = tables.connections
    now = tx.now()
    values: dict[str, object] = {
        "api_key_encrypted": api_key_encrypted,
        "key_fingerprint": key_fingerprint,
        "updated_at": now,
    }
    if rotated:
        values["rotated_at"] = now
    result = tx.conn.execute(
        update(table).where(table.c.connector_id == connector_id).values(values)
    )
    return result.rowcount > 0


def delete_connection(tx: Tx) -> bool:
    """Delete the transaction connector's connection; False if there was none."""
    table = tables.connections
    result = tx.conn.execute(delete(table).where(of_connector(tx, table)))
    return result.rowcount > 0


def purge_connector(tx: Tx) -> int:
    """Delete every row of the transaction's connector in every table.

    For uninstalling an account for good; returns the number of rows deleted.
    """
    deleted = 0
    for table in reversed(tables.CONNECTOR_TABLES):
        result = tx.conn.execute(delete(table).where(of_connector(tx, table)))
        deleted += result.rowcount
    return deleted


def _connection(row: RowMapping) -> ConnectionRow:
    return ConnectionRow(
        connector_id=row["connector_id"],
        kind=row["kind"],
        domain=row["domain"],
        base_url=row["base_url"],
        email=row["email"],
        api_key_encrypted=bytes(row["api_key_encrypted"]),
        key_fingerprint=row["key_fingerprint"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        rotated_at=row["rotated_at"],
    )
