"""Repository functions of the sync engine's work tables.

- `sync_dirty`: customers whose contact must be planned again.
- `sync_transitions`: transitions found while storing pages, not yet planned.
- `sms_claims`: the SMS number each customer would use, to share numbers fairly.
- `ticket_responses`: first customer message and first agent reply per ticket.

Batch reads for planning live in `sync_reads`; bulk outbox and ledger writes
in `sync_outbox`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import delete, func, select, update

from tajo.mapping.transitions import PropertyValue, Transition
from tajo.store import tables
from tajo.store.database import Tx
from tajo.store.sql import chunks, insert_for, of_connector


def mark_dirty(tx: Tx, customer_ids: Iterable[int]) -> int:
    """Put customers on the sync's work list; returns how many ids were given."""
    ids = sorted({int(cid) for cid in customer_ids})
    if not ids:
        return 0
    table = tables.sync_dirty
    now = tx.now()
    for batch in chunks(ids):
        statement = insert_for(tx, table).values(
            [
                {"connector_id": tx.connector_id, "customer_id": cid, "marked_at": now}
                for cid in batch
            ]
        )
        tx.conn.execute(
            statement.on_conflict_do_nothing(
                index_elements=[table.c.connector_id, table.c.customer_id]
            )
        )
    return len(ids)


def dirty_customers(tx: Tx, *, after: int | None = None, limit: int = 500) -> list[int]:
    """Return customers on the work list in id order, after `after` when given."""
    table = tables.sync_dirty
    query = select(table.c.customer_id).where(of_connector(tx, table))
    if after is not None:
        query = query.where(table.c.customer_id > after)
    query = query.order_by(table.c.customer_id).limit(limit)
    return [int(cid) for cid in tx.conn.scalars(query)]


def clear_dirty(tx: Tx, customer_ids: Iterable[int]) -> None:
    """Take planned customers off the work list."""
    table = tables.sync_dirty
    for batch in chunks(sorted(set(customer_ids))):
        tx.conn.execute(
            delete(table).where(of_connector(tx, table), table.c.customer_id.in_(batch))
        )


def count_dirty(tx: Tx) -> int:
    """Return the number of customers waiting to be planned."""
    table = tables.sync_dirty
    query = select(func.count()).select_from(table).where(of_connector(tx, table))
    return int(tx.conn.scalar(query) or 0)


def add_transitions(tx: Tx, transitions: Iterable[Transition]) -> int:
    """Keep transitions until they are planned; a key already kept is ignored.

    Returns how many were new.
    """
    table = tables.sync_transitions
    values: dict[str, dict[str, Any]] = {}
    for transition in transitions:
        values[transition.idempotency_key] = {
            "connector_id": tx.connector_id,
            "idempotency_key": transition.idempotency_key,
            "customer_id": transition.customer_id,
            "kind": transition.kind,
            "occurred_at": transition.occurred_at,
            "payload": _transition_payload(transition),
            "created_at": tx.now(),
        }
    if not values:
        return 0
    statement = insert_for(tx, table).values(list(values.values()))
    statement = statement.on_conflict_do_nothing(
        index_elements=[table.c.connector_id, table.c.idempotency_key]
    ).returning(table.c.idempotency_key)
    return len(list(tx.conn.execute(statement)))


def pending_transitions(
    tx: Tx, customer_ids: Iterable[int]
) -> dict[int, list[Transition]]:
    """Return the kept transitions of `customer_ids`, oldest first per customer."""
    table = tables.sync_transitions
    found: dict[int, list[Transition]] = {}
    for batch in chunks(sorted(set(customer_ids))):
        query = (
            select(table.c.customer_id, table.c.payload)
            .where(of_connector(tx, table), table.c.customer_id.in_(batch))
            .order_by(table.c.occurred_at, table.c.idempotency_key)
        )
        for row in tx.conn.execute(query):
            found.setdefault(int(row.customer_id), []).append(
                _transition_from(row.payload)
            )
    return found


def delete_transitions(tx: Tx, customer_ids: Iterable[int]) -> None:
    """Drop the kept transitions of customers whose plan is queued."""
    table = tables.sync_transitions
    for batch in chunks(sorted(set(customer_ids))):
        tx.conn.execute(
            delete(table).where(of_connector(tx, table), table.c.customer_id.in_(batch))
        )


def _transition_payload(transition: Transition) -> dict[str, Any]:
    return {
        "kind": transition.kind,
        "occurred_at": transition.occurred_at.isoformat(),
        "object_id": transition.object_id,
        "customer_id": transition.customer_id,
        "ticket_id": transition.ticket_id,
        "survey_id": transition.survey_id,
        "properties": dict(transition.properties),
    }


def _transition_from(payload: Mapping[str, Any]) -> Transition:
    properties: dict[str, PropertyValue] = dict(payload.get("properties") or {})
    return Transition(
        kind=payload["kind"],
        occurred_at=datetime.fromisoformat(payload["occurred_at"]),
        object_id=int(payload["object_id"]),
        customer_id=payload.get("customer_id"),
        ticket_id=payload.get("ticket_id"),
        survey_id=payload.get("survey_id"),
        properties=MappingProxyType(properties),
    )


def set_sms_claims(tx: Tx, claims: Mapping[int, str | None]) -> set[str]:
    """Store each customer's SMS number (None removes the claim).

    Returns the numbers whose set of claimants changed: their owner may be
    another customer now, so every claimant of them must be planned again.
    """
    table = tables.sms_claims
    current: dict[int, str] = {}
    for batch in chunks(sorted(claims)):
        query = select(table.c.customer_id, table.c.sms).where(
            of_connector(tx, table), table.c.customer_id.in_(batch)
        )
        current.update(
            {int(row.customer_id): row.sms for row in tx.conn.execute(query)}
        )
    changed: set[str] = set()
    dropped: list[int] = []
    fresh: list[dict[str, Any]] = []
    for customer_id, number in claims.items():
        old = current.get(customer_id)
        if old == number:
            continue
        changed.update(value for value in (old, number) if value is not None)
        if old is not None:
            dropped.append(customer_id)
        if number is not None:
            fresh.append(
                {
                    "connector_id": tx.connector_id,
                    "customer_id": customer_id,
                    "sms": number,
                }
            )
    for batch in chunks(sorted(dropped)):
        tx.conn.execute(
            delete(table).where(of_connector(tx, table), table.c.customer_id.in_(batch))
        )
    for start in range(0, len(fresh), 500):
        tx.conn.execute(insert_for(tx, table).values(fresh[start : start + 500]))
    return changed


def sms_owners(tx: Tx, numbers: Iterable[str]) -> dict[str, int]:
    """Return the lowest claiming customer id of each number."""
    table = tables.sms_claims
    owners: dict[str, int] = {}
    unique_numbers = sorted(set(numbers))
    for start in range(0, len(unique_numbers), 500):
        batch = unique_numbers[start : start + 500]
        query = (
            select(table.c.sms, func.min(table.c.customer_id))
            .where(of_connector(tx, table), table.c.sms.in_(batch))
            .group_by(table.c.sms)
        )
        owners.update({row[0]: int(row[1]) for row in tx.conn.execute(query)})
    return owners


def sms_claimants(tx: Tx, numbers: Iterable[str]) -> set[int]:
    """Return every customer claiming one of `numbers`."""
    table = tables.sms_claims
    unique_numbers = sorted(set(numbers))
    found: set[int] = set()
    for start in range(0, len(unique_numbers), 500):
        query = select(table.c.customer_id).where(
            of_connector(tx, table),
            table.c.sms.in_(unique_numbers[start : start + 500]),
        )
        found.update(int(cid) for cid in tx.conn.scalars(query))
    return found


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """When a ticket's customer first wrote and an agent first answered."""

    first_customer_at: datetime | None
    first_reply_at: datetime | None


def get_response_times(tx: Tx, ticket_ids: Iterable[int]) -> dict[int, ResponseTimes]:
    """Return the stored response times of `ticket_ids` that have any."""
    table = tables.ticket_responses
    found: dict[int, ResponseTimes] = {}
    for batch in chunks(sorted(set(ticket_ids))):
        query = select(table).where(
            of_connector(tx, table), table.c.ticket_id.in_(batch)
        )
        for row in tx.conn.execute(query).mappings():
            found[int(row["ticket_id"])] = ResponseTimes(
                row["first_customer_at"], row["first_reply_at"]
            )
    return found


def save_response_times(tx: Tx, times: Mapping[int, ResponseTimes]) -> None:
    """Insert or replace the response times of tickets."""
    if not times:
        return
    table = tables.ticket_responses
    values = [
        {
            "connector_id": tx.connector_id,
            "ticket_id": ticket_id,
            "first_customer_at": value.first_customer_at,
            "first_reply_at": value.first_reply_at,
        }
        for ticket_id, value in sorted(times.items())
    ]
    for start in range(0, len(values), 500):
        statement = insert_for(tx, table).values(values[start : start + 500])
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.connector_id, table.c.ticket_id],
            set_={
                "first_customer_at": statement.excluded.first_customer_at,
                "first_reply_at": statement.excluded.first_reply_at,
            },
        )
        tx.conn.execute(statement)


def set_first_response(tx: Tx, seconds: Mapping[int, float | None]) -> set[int]:
    """Write first-response times onto stored tickets whose value differs.

    Returns the customers of the tickets that changed, to plan them again.
    """
    table = tables.tickets
    customers: set[int] = set()
    for batch in chunks(sorted(seconds)):
        query = select(
            table.c.id, table.c.customer_id, table.c.first_response_seconds
        ).where(of_connector(tx, table), table.c.id.in_(batch))
        for row in tx.conn.execute(query).all():
            new_seconds = seconds[int(row.id)]
            if row.first_response_seconds == new_seconds:
                continue
            tx.conn.execute(
                update(table)
                .where(of_connector(tx, table), table.c.id == row.id)
                .values(first_response_seconds=new_seconds)
            )
            if row.customer_id is not None:
                customers.add(int(row.customer_id))
    return customers
