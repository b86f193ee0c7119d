"""Batch reads and small mirror updates the sync engine needs.

Planning thousands of contacts loads their tickets and surveys a few hundred
customers at a time, so it costs a few queries rather than thousands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import and_, func, or_, select, update

from tajo.mapping.facts import SurveyFacts, TicketFacts
from tajo.store import rows, tables
from tajo.store.database import Tx
from tajo.store.sql import chunks, of_connector


def mark_ticket_deleted(tx: Tx, ticket_id: int) -> int | None:
    """Treat a ticket Gorgias deleted as trashed; return its customer id.

    Metrics, tags and events leave trashed tickets out, which is what a
    hard-deleted ticket needs too. Returns None for an unknown ticket.
    """
    table = tables.tickets
    row = tx.conn.execute(
        select(table.c.customer_id, table.c.trashed).where(
            of_connector(tx, table), table.c.id == ticket_id
        )
    ).first()
    if row is None:
        return None
    if not row.trashed:
        tx.conn.execute(
            update(table)
            .where(of_connector(tx, table), table.c.id == ticket_id)
            .values(trashed=True, fetched_at=tx.now())
        )
    return None if row.customer_id is None else int(row.customer_id)


def tickets_of_customers(
    tx: Tx, customer_ids: Iterable[int]
) -> dict[int, list[TicketFacts]]:
    """Return the stored tickets of many customers, oldest first per customer."""
    table = tables.tickets
    found: dict[int, list[TicketFacts]] = {}
    for batch in chunks(sorted(set(customer_ids))):
        query = (
            select(table)
            .where(of_connector(tx, table), table.c.customer_id.in_(batch))
            .order_by(table.c.created_at, table.c.id)
        )
        for row in tx.conn.execute(query).mappings():
            found.setdefault(int(row["customer_id"]), []).append(rows.ticket_facts(row))
    return found


def surveys_of_customers(
    tx: Tx, customer_ids: Iterable[int]
) -> dict[int, list[SurveyFacts]]:
    """Return the surveys of many customers, as `customer_surveys` defines them.

    A survey belongs to a customer when it names them, or names no customer
    and its ticket is theirs.
    """
    surveys, tickets = tables.surveys, tables.tickets
    found: dict[int, list[SurveyFacts]] = {}
    for batch in chunks(sorted(set(customer_ids))):
        owner = func.coalesce(surveys.c.customer_id, tickets.c.customer_id)
        query = (
            select(surveys, owner.label("owner_id"))
            .select_from(
                surveys.outerjoin(
                    tickets,
                    and_(
                        tickets.c.connector_id == surveys.c.connector_id,
                        tickets.c.id == surveys.c.ticket_id,
                    ),
                )
            )
            .where(
                of_connector(tx, surveys),
                or_(
                    surveys.c.customer_id.in_(batch),
                    and_(
                        surveys.c.customer_id.is_(None),
                        tickets.c.customer_id.in_(batch),
                    ),
                ),
            )
            .order_by(surveys.c.created_at, surveys.c.id)
        )
        for row in tx.conn.execute(query).mappings():
            found.setdefault(int(row["owner_id"]), []).append(rows.survey_facts(row))
    return found


def ticket_customers(tx: Tx, ticket_ids: Iterable[int]) -> dict[int, int]:
    """Return the customer of each stored ticket that has one."""
    table = tables.tickets
    found: dict[int, int] = {}
    for batch in chunks(sorted(set(ticket_ids))):
        query = select(table.c.id, table.c.customer_id).where(
            of_connector(tx, table),
            table.c.id.in_(batch),
            table.c.customer_id.is_not(None),
        )
        found.update({int(r.id): int(r.customer_id) for r in tx.conn.execute(query)})
    return found


def existing_ids(tx: Tx, resource: str, ids: Iterable[int]) -> set[int]:
    """Return which of `ids` the mirror table `resource` already holds."""
    table = {
        "customers": tables.customers,
        "tickets": tables.tickets,
        "surveys": tables.surveys,
    }[resource]
    found: set[int] = set()
    for batch in chunks(sorted(set(ids))):
        query = select(table.c.id).where(of_connector(tx, table), table.c.id.in_(batch))
        found.update(int(i) for i in tx.conn.scalars(query))
    return found


def rename_ticket_tags(tx: Tx, renames: Mapping[str, str]) -> set[int]:
    """Rewrite renamed tag names on stored tickets; return their customers.

    Tickets keep tag names as Gorgias sent them; a renamed tag would otherwise
    keep its old name until each ticket is updated in Gorgias.
    """
    if not renames:
        return set()
    table = tables.tickets
    customers: set[int] = set()
    query = select(table.c.id, table.c.customer_id, table.c.tags).where(
        of_connector(tx, table)
    )
    for row in tx.conn.execute(query).all():
        names = list(row.tags or [])
        renamed = [renames.get(name, name) for name in names]
        if renamed == names:
            continue
        tx.conn.execute(
            update(table)
            .where(of_connector(tx, table), table.c.id == row.id)
            .values(tags=renamed)
        )
        if row.customer_id is not None:
            customers.add(int(row.customer_id))
    return customers


def deleted_customer_ids(tx: Tx, customer_ids: Iterable[int]) -> set[int]:
    """Return which of `customer_ids` Gorgias deleted or merged away."""
    table = tables.customers
    found: set[int] = set()
    for batch in chunks(sorted(set(customer_ids))):
        query = select(table.c.id).where(
            of_connector(tx, table),
            table.c.id.in_(batch),
            table.c.deleted_at.is_not(None),
        )
        found.update(int(i) for i in tx.conn.scalars(query))
    return found
