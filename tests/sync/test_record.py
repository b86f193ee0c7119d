"""Storing pages: stale copies never move a ticket back or repeat a transition."""

from __future__ import annotations

from datetime import timedelta

from tests.store.factories import T0, ticket

from tajo.store import Store
from tajo.store.sync_repo import dirty_customers, pending_transitions
from tajo.sync.record import store_tickets


def test_store_stale_ticket_yields_nothing(store: Store) -> None:
    opened = ticket(10, status="open", updated_at=T0)
    closed = ticket(
        10, status="closed", updated_at=T0 + timedelta(hours=1), closed_at=T0
    )
    with store.transaction("gorgias") as tx:
        store_tickets(tx, [opened])
        store_tickets(tx, [closed])

    with store.transaction("gorgias") as tx:
        outcome = store_tickets(tx, [opened])

    assert outcome.transitions == []
    assert outcome.upserted == 0


def test_store_new_closed_ticket_keeps_two_transitions(store: Store) -> None:
    closed = ticket(11, status="closed", closed_at=T0 + timedelta(minutes=5))

    with store.transaction("gorgias") as tx:
        store_tickets(tx, [closed])
        pending = pending_transitions(tx, [1])
        dirty = dirty_customers(tx)

    assert [t.kind for t in pending[1]] == ["ticket.created", "ticket.closed"]
    assert dirty == [1]


def test_store_same_ticket_twice_keeps_one_key(store: Store) -> None:
    new = ticket(12)
    with store.transaction("gorgias") as tx:
        store_tickets(tx, [new])
    with store.transaction("gorgias") as tx:
        store_tickets(tx, [new])
        pending = pending_transitions(tx, [1])

    assert len(pending[1]) == 1
