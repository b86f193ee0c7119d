"""The Gorgias mirror: upserts that never move a record backwards, and reads.

Each upsert returns, per record, what the store held before, so the caller
can compare the two and detect transitions (new ticket, closed, reopened,
survey answered). A record older than the stored copy is left out: a late
webhook or an overlapping page never undoes a newer state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import RowMapping, Table, and_, or_, select, update

from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts
from tajo.store import rows, tables
from tajo.store.database import Tx
from tajo.store.sql import chunks, insert_for, of_connector

FactsT = TypeVar("FactsT", CustomerFacts, TicketFacts, SurveyFacts)


@dataclass(frozen=True, slots=True)
class Upserted(Generic[FactsT]):
    """The outcome of upserting one record.

    `previous` is the stored copy before the call (None for a new record) and
    `current` is the copy stored after it. `applied` is False when the incoming
    copy was older than the stored one and so was left out.
    """

    previous: FactsT | None
    current: FactsT
    applied: bool

    @property
    def is_new(self) -> bool:
        """Return True when the store had never seen this record."""
        return self.previous is None

    @property
    def changed(self) -> bool:
        """Return True when the stored copy differs from the one before."""
        return self.applied and self.previous != self.current


@dataclass(frozen=True, order=True, slots=True)
class ChangeMarker:
    """A position in the list of changed customers: resume after it."""

    changed_at: datetime
    customer_id: int


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """A stored customer with the bookkeeping that the facts leave out."""

    facts: CustomerFacts
    deleted_at: datetime | None
    merged_into_id: int | None
    fetched_at: datetime
    changed_at: datetime


def upsert_customers(
    tx: Tx, customers: Iterable[CustomerFacts]
) -> list[Upserted[CustomerFacts]]:
    """Insert or update customers by id and mark changed ones for planning.

    A customer whose `updated_at` is older than the stored one is left out.
    When either side has no `updated_at`, the incoming copy wins.
    """
    return _upsert(
        tx,
        tables.customers,
        list(customers),
        to_row=rows.customer_row,
        to_facts=rows.customer_facts,
        is_stale=_customer_is_stale,
    )


def upsert_tickets(
    tx: Tx, tickets: Iterable[TicketFacts]
) -> list[Upserted[TicketFacts]]:
    """Insert or update tickets by id; a stale copy is left out.

    A copy is stale when its `updated_at` is older than the stored one. The
    customers of changed tickets, old and new owner alike, are marked changed.
    """
    return _upsert(
        tx,
        tables.tickets,
        list(tickets),
        to_row=rows.ticket_row,
        to_facts=rows.ticket_facts,
        is_stale=lambda new, old: new.updated_at < old.updated_at,
    )


def upsert_surveys(
    tx: Tx, surveys: Iterable[SurveyFacts]
) -> list[Upserted[SurveyFacts]]:
    """Insert or update satisfaction surveys by id; a stale copy is left out.

    Surveys have no updated_at, so a copy is stale when the latest of its
    created, sent and scored times is older than the stored copy's. This also
    keeps a score from being erased by an older, unscored copy.
    """
    return _upsert(
        tx,
        tables.surveys,
        list(surveys),
        to_row=rows.survey_row,
        to_facts=rows.survey_facts,
        is_stale=lambda new, old: rows.survey_version(new) < rows.survey_version(old),
    )


def _customer_is_stale(new: CustomerFacts, old: CustomerFacts) -> bool:
    if new.updated_at is None or old.updated_at is None:
        return False
    return new.updated_at < old.updated_at


def _upsert(
    tx: Tx,
    table: Table,
    incoming: list[FactsT],
    *,
    to_row: Callable[[FactsT], dict[str, Any]],
    to_facts: Callable[[RowMapping], FactsT],
    is_stale: Callable[[FactsT, FactsT], bool],
) -> list[Upserted[FactsT]]:
    latest = _newest_per_id(incoming, is_stale)
    if not latest:
        return []
    inserted = _insert_absent(tx, table, [to_row(latest[i]) for i in sorted(latest)])
    existing = _load_for_update(tx, table, sorted(set(latest) - inserted))

    results: list[Upserted[FactsT]] = []
    touched_customers: set[int] = set()
    for record_id, facts in latest.items():
        if record_id in inserted:
            results.append(Upserted(previous=None, current=facts, applied=True))
            touched_customers.update(_customer_ids(facts))
            continue

        previous = to_facts(existing[record_id])
        if is_stale(facts, previous):
            results.append(Upserted(previous=previous, current=previous, applied=False))
            continue

        changed = to_row(facts) != to_row(previous)
        values = {**to_row(facts), "fetched_at": tx.now()}
        if changed and table is tables.customers:
            values["changed_at"] = tx.now()
        tx.conn.execute(
            update(table)
            .where(of_connector(tx, table), table.c.id == record_id)
            .values(values)
        )
        results.append(Upserted(previous=previous, current=facts, applied=True))
        if changed:
            touched_customers.update(_customer_ids(facts, previous))

    if table is not tables.customers:
        mark_customers_changed(tx, touched_customers)
    return results


def _insert_absent(tx: Tx, table: Table, values: list[dict[str, Any]]) -> set[int]:
    # A row inserted here is new for certain, even when another process inserts
    # the same id at the same time. The values come sorted by id, so two upserts
    # of overlapping pages lock rows in the same order and do not deadlock.
    stamps = {"connector_id": tx.connector_id, "fetched_at": tx.now()}
    if table is tables.customers:
        stamps["changed_at"] = tx.now()
    statement = insert_for(tx, table).values([{**row, **stamps} for row in values])
    statement = statement.on_conflict_do_nothing(
        index_elements=[table.c.connector_id, table.c.id]
    ).returning(table.c.id)
    return set(tx.conn.scalars(statement))


def _newest_per_id(
    incoming: list[FactsT], is_stale: Callable[[FactsT, FactsT], bool]
) -> dict[int, FactsT]:
    # A page can contain one record twice when it changed while being paged.
    latest: dict[int, FactsT] = {}
    for facts in incoming:
        chosen = latest.get(facts.id)
        if chosen is None or not is_stale(facts, chosen):
            latest[facts.id] = facts
    return latest


def _load_for_update(tx: Tx, table: Table, ids: Sequence[int]) -> dict[int, RowMapping]:
    found: dict[int, RowMapping] = {}
    for batch in chunks(ids):
        # FOR UPDATE holds these rows until commit on PostgreSQL; SQLite has
        # no row locks and relies on the write lock of BEGIN IMMEDIATE.
        query = (
            select(table)
            .where(of_connector(tx, table), table.c.id.in_(batch))
            .order_by(table.c.id)
            .with_for_update()
        )
        for row in tx.conn.execute(query).mappings():
            found[row["id"]] = row
    return found


def _customer_ids(*records: CustomerFacts | TicketFacts | SurveyFacts) -> set[int]:
    ids: set[int] = set()
    for record in records:
        if isinstance(record, CustomerFacts):
            ids.add(record.id)
        elif record.customer_id is not None:
            ids.add(record.customer_id)
    return ids


def mark_customers_changed(tx: Tx, customer_ids: Iterable[int]) -> None:
    """Put customers on the planner's work list (see `customers_changed_since`)."""
    table = tables.customers
    now = tx.now()
    for batch in chunks(sorted(set(customer_ids))):
        tx.conn.execute(
            update(table)
            .where(of_connector(tx, table), table.c.id.in_(batch))
            .values(changed_at=now)
        )


def mark_customer_deleted(tx: Tx, customer_id: int, *, at: datetime) -> bool:
    """Record that Gorgias deleted the customer; return False if it is unknown."""
    return _set_customer_fate(tx, customer_id, deleted_at=at)


def mark_customer_merged(
    tx: Tx, customer_id: int, into_id: int, *, at: datetime
) -> bool:
    """Record that the customer was merged into `into_id`; False if unknown.

    Gorgias deletes the merged customer, so `deleted_at` is set too.
    """
    return _set_customer_fate(tx, customer_id, deleted_at=at, merged_into_id=into_id)


def _set_customer_fate(tx: Tx, customer_id: int, **values: object) -> bool:
    table = tables.customers
    result = tx.conn.execute(
        update(table)
        .where(of_connector(tx, table), table.c.id == customer_id)
        .values(changed_at=tx.now(), **values)
    )
    return result.rowcount > 0


def get_customer(tx: Tx, customer_id: int) -> CustomerFacts | None:
    """Return the stored customer, or None if the store has never seen it."""
    record = get_customer_record(tx, customer_id)
    return record.facts if record else None


def get_customers(tx: Tx, customer_ids: Iterable[int]) -> dict[int, CustomerFacts]:
    """Return the stored customers among `customer_ids`, keyed by id."""
    table = tables.customers
    found: dict[int, CustomerFacts] = {}
    for batch in chunks(sorted(set(customer_ids))):
        query = select(table).where(of_connector(tx, table), table.c.id.in_(batch))
        for row in tx.conn.execute(query).mappings():
            found[row["id"]] = rows.customer_facts(row)
    return found


def get_customer_record(tx: Tx, customer_id: int) -> CustomerRecord | None:
    """Return the stored customer with its deletion and merge marks."""
    table = tables.customers
    query = select(table).where(of_connector(tx, table), table.c.id == customer_id)
    row = tx.conn.execute(query).mappings().first()
    if row is None:
        return None
    return CustomerRecord(
        facts=rows.customer_facts(row),
        deleted_at=row["deleted_at"],
        merged_into_id=row["merged_into_id"],
        fetched_at=row["fetched_at"],
        changed_at=row["changed_at"],
    )


def customers_changed_since(
    tx: Tx, marker: ChangeMarker | None, *, limit: int = 500
) -> list[ChangeMarker]:
    """Return customers changed after `marker`, oldest change first.

    Pass the last returned marker to get the next batch; None starts from the
    beginning. Deleted customers are included so the planner can act on them.
    """
    table = tables.customers
    query = select(table.c.changed_at, table.c.id).where(of_connector(tx, table))
    if marker is not None:
        query = query.where(
            or_(
                table.c.changed_at > marker.changed_at,
                and_(
                    table.c.changed_at == marker.changed_at,
                    table.c.id > marker.customer_id,
                ),
            )
        )
    query = query.order_by(table.c.changed_at, table.c.id).limit(limit)
    return [
        ChangeMarker(changed_at=row.changed_at, customer_id=row.id)
        for row in tx.conn.execute(query)
    ]


def get_ticket(tx: Tx, ticket_id: int) -> TicketFacts | None:
    """Return the stored ticket, or None."""
    table = tables.tickets
    query = select(table).where(of_connector(tx, table), table.c.id == ticket_id)
    row = tx.conn.execute(query).mappings().first()
    return rows.ticket_facts(row) if row else None


def customer_tickets(tx: Tx, customer_id: int) -> list[TicketFacts]:
    """Return the customer's stored tickets, oldest first, spam included."""
    table = tables.tickets
    query = (
        select(table)
        .where(of_connector(tx, table), table.c.customer_id == customer_id)
        .order_by(table.c.created_at, table.c.id)
    )
    return [rows.ticket_facts(row) for row in tx.conn.execute(query).mappings()]


def get_survey(tx: Tx, survey_id: int) -> SurveyFacts | None:
    """Return the stored survey, or None."""
    table = tables.surveys
    query = select(table).where(of_connector(tx, table), table.c.id == survey_id)
    row = tx.conn.execute(query).mappings().first()
    return rows.survey_facts(row) if row else None


def customer_surveys(tx: Tx, customer_id: int) -> list[SurveyFacts]:
    """Return the customer's surveys, oldest first.

    A survey belongs to the customer when it names them, or when it names no
    customer and its ticket is theirs.
    """
    table = tables.surveys
    ticket_ids = select(tables.tickets.c.id).where(
        of_connector(tx, tables.tickets), tables.tickets.c.customer_id == customer_id
    )
    query = (
        select(table)
        .where(
            of_connector(tx, table),
            or_(
                table.c.customer_id == customer_id,
                and_(table.c.customer_id.is_(None), table.c.ticket_id.in_(ticket_ids)),
            ),
        )
        .order_by(table.c.created_at, table.c.id)
    )
    return [rows.survey_facts(row) for row in tx.conn.execute(query).mappings()]


def unscored_survey_ids(tx: Tx, *, sent_after: datetime | None = None) -> list[int]:
    """Return surveys without a score, to re-read on every run.

    With `sent_after`, only surveys created or sent after it are returned, so
    long-abandoned surveys stop costing requests.
    """
    table = tables.surveys
    query = select(table.c.id).where(of_connector(tx, table), table.c.score.is_(None))
    if sent_after is not None:
        query = query.where(
            or_(table.c.created_at > sent_after, table.c.sent_at > sent_after)
        )
    return list(tx.conn.scalars(query.order_by(table.c.id)))
