"""Transitions of tickets, surveys and customers, and their idempotency keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tajo.mapping import (
    CustomerFacts,
    SurveyFacts,
    TicketFacts,
    Transition,
    automation_transition,
    customer_transitions,
    survey_transitions,
    ticket_transitions,
)

CREATED = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)
CLOSED = datetime(2026, 8, 2, 15, 30, tzinfo=UTC)
UPDATED = datetime(2026, 8, 3, 8, 0, tzinfo=UTC)


def ticket(**changes: Any) -> TicketFacts:
    values: dict[str, Any] = {
        "id": 901234,
        "customer_id": 7,
        "status": "open",
        "channel": "email",
        "created_at": CREATED,
        "updated_at": CREATED,
        "subject": "Parcel arrived damaged",
        "assignee_name": "Sam Agent",
    }
    values.update(changes)
    return TicketFacts(**values)


OPEN = ticket()
CLOSED_TICKET = ticket(status="closed", closed_at=CLOSED, updated_at=CLOSED)
REOPENED = ticket(status="open", closed_at=CLOSED, updated_at=UPDATED)

# (id, stored ticket, fresh ticket, expected (kind, occurred_at) pairs)
TICKET_CASES: list[
    tuple[str, TicketFacts | None, TicketFacts, list[tuple[str, datetime]]]
] = [
    ("new-open", None, OPEN, [("ticket.created", CREATED)]),
    (
        "new-closed",
        None,
        CLOSED_TICKET,
        [("ticket.created", CREATED), ("ticket.closed", CLOSED)],
    ),
    ("open-to-closed", OPEN, CLOSED_TICKET, [("ticket.closed", CLOSED)]),
    (
        "closed-without-close-time",
        OPEN,
        ticket(status="closed", updated_at=UPDATED),
        [("ticket.closed", UPDATED)],
    ),
    ("closed-to-open", CLOSED_TICKET, REOPENED, [("ticket.reopened", UPDATED)]),
    ("open-unchanged", OPEN, ticket(updated_at=UPDATED, subject="Edited"), []),
    ("closed-unchanged", CLOSED_TICKET, CLOSED_TICKET, []),
    ("stale-update", REOPENED, CLOSED_TICKET, []),
    ("new-spam", None, ticket(spam=True), []),
    ("new-trashed", None, ticket(trashed=True), []),
    ("closed-into-spam", OPEN, replace(CLOSED_TICKET, spam=True), []),
    ("out-of-spam", ticket(spam=True), OPEN, [("ticket.created", CREATED)]),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in TICKET_CASES],
    ids=[case[0] for case in TICKET_CASES],
)
def test_ticket_transitions_table(
    old: TicketFacts | None, new: TicketFacts, expected: list[tuple[str, datetime]]
) -> None:
    transitions = ticket_transitions(old, new)
    assert [(t.kind, t.occurred_at) for t in transitions] == expected


def test_ticket_transition_properties_closed() -> None:
    closed = replace(CLOSED_TICKET, tags=("refund",), first_response_seconds=900)
    (transition,) = ticket_transitions(OPEN, closed)
    assert transition.properties == {
        "ticket_id": 901234,
        "status": "closed",
        "opened_at": "2026-08-01T09:00:00.000000+00:00",
        "subject": "Parcel arrived damaged",
        "channel": "email",
        "agent_name": "Sam Agent",
        "tags": ["refund"],
        "closed_at": "2026-08-02T15:30:00.000000+00:00",
        "resolution_minutes": 1830.0,
        "first_response_minutes": 15.0,
    }


def test_ticket_transition_ids() -> None:
    (transition,) = ticket_transitions(None, OPEN)
    assert transition.ticket_id == 901234
    assert transition.customer_id == 7
    assert transition.survey_id is None


def test_ticket_properties_omit_unknown() -> None:
    bare = ticket(subject=None, channel=None, assignee_name=None)
    (transition,) = ticket_transitions(None, bare)
    assert set(transition.properties) == {"ticket_id", "status", "opened_at"}


def survey(**changes: Any) -> SurveyFacts:
    values: dict[str, Any] = {
        "id": 5501,
        "ticket_id": 901234,
        "customer_id": 7,
        "score": None,
        "created_at": CREATED,
    }
    values.update(changes)
    return SurveyFacts(**values)


SENT = datetime(2026, 8, 2, 16, 0, tzinfo=UTC)
SCORED = datetime(2026, 8, 6, 10, 0, tzinfo=UTC)
UNSENT_SURVEY = survey()
SENT_SURVEY = survey(sent_at=SENT)
SCORED_SURVEY = survey(sent_at=SENT, score=4, scored_at=SCORED, body_text="Quick help")

SURVEY_CASES: list[
    tuple[str, SurveyFacts | None, SurveyFacts, list[tuple[str, datetime]]]
] = [
    ("new-unsent", None, UNSENT_SURVEY, []),
    ("new-sent", None, SENT_SURVEY, [("satisfaction_survey.created", SENT)]),
    ("newly-sent", UNSENT_SURVEY, SENT_SURVEY, [("satisfaction_survey.created", SENT)]),
    (
        "new-already-scored",
        None,
        SCORED_SURVEY,
        [
            ("satisfaction_survey.created", SENT),
            ("satisfaction_survey.responded", SCORED),
        ],
    ),
    ("sent-unchanged", SENT_SURVEY, SENT_SURVEY, []),
    ("scored-unchanged", SCORED_SURVEY, SCORED_SURVEY, []),
    ("stale-lost-score", SCORED_SURVEY, SENT_SURVEY, []),
    ("stale-lost-send", SENT_SURVEY, UNSENT_SURVEY, []),
    (
        "answer-replaced",
        SCORED_SURVEY,
        replace(SCORED_SURVEY, score=2, scored_at=SCORED + timedelta(days=1)),
        [("satisfaction_survey.responded", SCORED + timedelta(days=1))],
    ),
    (
        "older-answer",
        SCORED_SURVEY,
        replace(SCORED_SURVEY, score=2, scored_at=SCORED - timedelta(days=1)),
        [],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [case[1:] for case in SURVEY_CASES],
    ids=[case[0] for case in SURVEY_CASES],
)
def test_survey_transitions_table(
    old: SurveyFacts | None, new: SurveyFacts, expected: list[tuple[str, datetime]]
) -> None:
    transitions = survey_transitions(old, new)
    assert [(t.kind, t.occurred_at) for t in transitions] == expected


def test_survey_scored_after_watermark_responds() -> None:
    # Created and sent weeks before the last sync, answered after it: the stored
    # copy is unscored, so the fresh copy must still yield `responded`.
    old = survey(
        created_at=CREATED - timedelta(days=40), sent_at=CREATED - timedelta(days=39)
    )
    new = replace(old, score=5, scored_at=SCORED)
    transitions = survey_transitions(old, new)
    assert [t.kind for t in transitions] == ["satisfaction_survey.responded"]
    assert transitions[0].occurred_at == SCORED


def test_survey_responded_properties() -> None:
    transitions = survey_transitions(SENT_SURVEY, SCORED_SURVEY)
    assert transitions[0].properties == {
        "survey_id": 5501,
        "ticket_id": 901234,
        "sent_at": "2026-08-02T16:00:00.000000+00:00",
        "score": 4,
        "comment": "Quick help",
        "scored_at": "2026-08-06T10:00:00.000000+00:00",
    }
    assert transitions[0].survey_id == 5501


def test_customer_created_when_first_seen() -> None:
    customer = CustomerFacts(id=7, email="jane@example.com", created_at=CREATED)
    (transition,) = customer_transitions(None, customer)
    assert transition.kind == "customer.created"
    assert transition.occurred_at == CREATED


def test_customer_known_yields_nothing() -> None:
    customer = CustomerFacts(id=7, email="jane@example.com", created_at=CREATED)
    assert customer_transitions(customer, customer) == []


def test_customer_without_dates_yields_nothing() -> None:
    assert customer_transitions(None, CustomerFacts(id=7, email=None)) == []


def test_idempotency_key_format() -> None:
    (transition,) = ticket_transitions(OPEN, CLOSED_TICKET)
    assert transition.idempotency_key == (
        "ticket.closed:901234:2026-08-02T15:30:00.000000+00:00"
    )


def test_idempotency_key_stable_across_offsets() -> None:
    paris = datetime.fromisoformat("2026-08-02T17:30:00+02:00")
    first = ticket_transitions(OPEN, CLOSED_TICKET)[0]
    second = ticket_transitions(OPEN, replace(CLOSED_TICKET, closed_at=paris))[0]
    assert first.idempotency_key == second.idempotency_key


def test_idempotency_key_same_for_webhook_and_poll() -> None:
    from_webhook = ticket_transitions(OPEN, CLOSED_TICKET)
    from_poll = ticket_transitions(OPEN, replace(CLOSED_TICKET, tags=("late",)))
    assert from_webhook[0].idempotency_key == from_poll[0].idempotency_key


def test_idempotency_keys_distinct_per_transition() -> None:
    closed_again = ticket(
        status="closed",
        closed_at=UPDATED + timedelta(days=1),
        updated_at=UPDATED + timedelta(days=1),
    )
    transitions: list[Transition] = [
        *ticket_transitions(None, CLOSED_TICKET),
        *ticket_transitions(CLOSED_TICKET, REOPENED),
        *ticket_transitions(REOPENED, closed_again),
        *survey_transitions(None, replace(SCORED_SURVEY, id=901234)),
        *customer_transitions(
            None, CustomerFacts(id=901234, email=None, created_at=CREATED)
        ),
    ]
    keys = [t.idempotency_key for t in transitions]
    assert len(transitions) == 7
    assert len(set(keys)) == 7


def test_automation_transition() -> None:
    transition = automation_transition(
        "macro.applied",
        event_id=88001,
        occurred_at=UPDATED,
        name="Refund issued",
        ticket_id=901234,
        customer_id=7,
    )
    assert transition.idempotency_key == (
        "macro.applied:88001:2026-08-03T08:00:00.000000+00:00"
    )
    assert transition.properties == {
        "gorgias_event_id": 88001,
        "name": "Refund issued",
        "ticket_id": 901234,
    }
