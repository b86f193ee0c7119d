"""The link between a Gorgias customer and its Brevo contact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, select

from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import chunks, insert_for, of_connector


@dataclass(frozen=True, slots=True)
class ContactLink:
    """What the connector last wrote to Brevo for one Gorgias customer.

    `last_pushed_hash` lets the writer skip a contact whose attributes have
    not changed. `list_ids` are the lists the connector put the contact in, so
    it can remove the contact from lists it no longer qualifies for.
    """

    customer_id: int
    email: str | None = None
    sms: str | None = None
    ext_id: str | None = None
    brevo_contact_id: int | None = None
    last_pushed_attributes: Mapping[str, Any] = field(default_factory=dict)
    last_pushed_hash: str | None = None
    list_ids: tuple[int, ...] = ()
    pushed_at: datetime | None = None


def get_contact_link(tx: Tx, customer_id: int) -> ContactLink | None:
    """Return the customer's link, or None before its first push."""
    table = tables.contact_links
    query = select(table).where(
        of_connector(tx, table), table.c.customer_id == customer_id
    )
    row = tx.conn.execute(query).mappings().first()
    return _link(row) if row else None


def get_contact_links(tx: Tx, customer_ids: Iterable[int]) -> dict[int, ContactLink]:
    """Return the links of `customer_ids` that exist, keyed by customer id."""
    table = tables.contact_links
    found: dict[int, ContactLink] = {}
    for batch in chunks(sorted(set(customer_ids))):
        query = select(table).where(
            of_connector(tx, table), table.c.customer_id.in_(batch)
        )
        for row in tx.conn.execute(query).mappings():
            found[row["customer_id"]] = _link(row)
    return found


def save_contact_link(tx: Tx, link: ContactLink) -> None:
    """Insert or replace the customer's link with `link`."""
    table = tables.contact_links
    values = {
        "email": link.email,
        "sms": link.sms,
        "ext_id": link.ext_id,
        "brevo_contact_id": link.brevo_contact_id,
        "last_pushed_attributes": dict(link.last_pushed_attributes),
        "last_pushed_hash": link.last_pushed_hash,
        "list_ids": list(link.list_ids),
        "pushed_at": link.pushed_at,
    }
    statement = insert_for(tx, table).values(
        connector_id=tx.connector_id, customer_id=link.customer_id, **values
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.connector_id, table.c.customer_id],
        set_={name: statement.excluded[name] for name in values},
    )
    tx.conn.execute(statement)


def _link(row: RowMapping) -> ContactLink:
    return ContactLink(
        customer_id=row["customer_id"],
        email=row["email"],
        sms=row["sms"],
        ext_id=row["ext_id"],
        brevo_contact_id=row["brevo_contact_id"],
        last_pushed_attributes=dict(row["last_pushed_attributes"]),
        last_pushed_hash=row["last_pushed_hash"],
        list_ids=tuple(row["list_ids"]),
        pushed_at=row["pushed_at"],
    )
