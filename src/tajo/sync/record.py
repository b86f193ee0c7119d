"""Storing one page of records, with the transitions and work it creates.

Each function runs inside the caller's transaction, so the upserts of a page,
the transitions they reveal and the customers they put on the work list are
committed together or not at all. The poller and the webhook path both store
through here, so they detect the same transitions with the same keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tajo.mapping import (
    CustomerFacts,
    SurveyFacts,
    TicketFacts,
    Transition,
    customer_transitions,
    survey_transitions,
    ticket_transitions,
)
from tajo.store import Tx, upsert_customers, upsert_surveys, upsert_tickets
from tajo.store.sync_reads import ticket_customers
from tajo.store.sync_repo import (
    add_transitions,
    mark_dirty,
)


@dataclass(slots=True)
class Stored:
    """What storing a page did."""

    upserted: int = 0
    transitions: list[Transition] = field(default_factory=list)
    dirty: set[int] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, other: Stored) -> None:
        """Fold another page's outcome into this one."""
        self.upserted += other.upserted
        self.transitions.extend(other.transitions)
        self.dirty |= other.dirty
        self.skipped.update(other.skipped)


def store_customers(tx: Tx, customers: Iterable[CustomerFacts]) -> Stored:
    """Upsert customers; a new one yields `customer.created`."""
    outcome = Stored()
    for result in upsert_customers(tx, customers):
        if not result.changed:
            continue
        outcome.upserted += 1
        outcome.dirty.add(result.current.id)
        if result.is_new:
            outcome.transitions.extend(customer_transitions(None, result.current))
    return _commit_work(tx, outcome)


def store_tickets(tx: Tx, tickets: Iterable[TicketFacts]) -> Stored:
    """Upsert tickets and keep the transitions of the ones that changed.

    The upsert locks the stored rows it compares, so two processes storing
    one ticket at once see one change, not two.
    """
    outcome = Stored()
    for result in upsert_tickets(tx, tickets):
        if not result.applied or not result.changed:
            continue
        outcome.upserted += 1
        current = result.current
        if current.spam or current.trashed:
            outcome.skipped["ticket_spam" if current.spam else "ticket_trashed"] += 1
        for ticket in (result.previous, result.current):
            if ticket is not None and ticket.customer_id is not None:
                outcome.dirty.add(ticket.customer_id)
        found = ticket_transitions(result.previous, result.current)
        if current.customer_id is None:
            # Brevo needs a contact to put an event on.
            outcome.skipped["ticket_without_customer"] += 1
            continue
        outcome.transitions.extend(found)
    return _commit_work(tx, outcome)


def store_surveys(tx: Tx, surveys: Iterable[SurveyFacts]) -> Stored:
    """Upsert surveys; a newly sent or newly scored survey yields a transition."""
    outcome = Stored()
    results = upsert_surveys(tx, surveys)
    orphan_tickets = [
        r.current.ticket_id for r in results if r.current.customer_id is None
    ]
    owners = ticket_customers(tx, orphan_tickets) if orphan_tickets else {}
    for result in results:
        if not result.applied or not result.changed:
            continue
        outcome.upserted += 1
        customer_id = result.current.customer_id or owners.get(result.current.ticket_id)
        if customer_id is None:
            outcome.skipped["survey_without_customer"] += 1
            continue
        outcome.dirty.add(customer_id)
        for transition in survey_transitions(result.previous, result.current):
            outcome.transitions.append(_with_customer(transition, customer_id))
    return _commit_work(tx, outcome)


def _with_customer(transition: Transition, customer_id: int) -> Transition:
    if transition.customer_id == customer_id:
        return transition
    return Transition(
        kind=transition.kind,
        occurred_at=transition.occurred_at,
        object_id=transition.object_id,
        customer_id=customer_id,
        ticket_id=transition.ticket_id,
        survey_id=transition.survey_id,
        properties=transition.properties,
    )


def _commit_work(tx: Tx, outcome: Stored) -> Stored:
    add_transitions(tx, outcome.transitions)
    mark_dirty(tx, outcome.dirty)
    return outcome
