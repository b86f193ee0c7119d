"""evaluate_triggers: data conditions, maximum age and rendered parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tajo.config import Condition, GorgiasConfig, parse_config
from tajo.mapping import (
    CustomerFacts,
    SurveyFacts,
    TicketFacts,
    Transition,
    TriggerFacts,
    condition_holds,
    evaluate_triggers,
)

NOW = datetime(2026, 8, 12, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=2)
CLOSED = NOW - timedelta(hours=2)

JANE = CustomerFacts(
    id=7, email="Jane@Example.com", name="Jane Doe", firstname="Jane", lastname="Doe"
)
TICKET = TicketFacts(
    id=901234,
    customer_id=7,
    status="closed",
    channel="chat",
    created_at=CREATED,
    updated_at=CLOSED,
    closed_at=CLOSED,
    subject="Parcel arrived damaged",
    assignee_name="Sam Agent",
    tags=("refund", "VIP"),
)
SURVEY = SurveyFacts(
    id=5501,
    ticket_id=901234,
    customer_id=7,
    score=5,
    created_at=CLOSED,
    scored_at=NOW - timedelta(hours=1),
    body_text="Great",
)
FACTS = TriggerFacts(customer=JANE, ticket=TICKET, survey=SURVEY)

UPSELL: dict[str, Any] = {
    "name": "post-support-upsell",
    "on": "satisfaction_survey.responded",
    "conditions": {"satisfaction_score": {"gte": 4}},
    "target": {
        "template_id": 12,
        "params": {
            "agent_name": "{{agent_name}}",
            "ticket_subject": "{{ticket_subject}}",
            "resolution_time": "{{resolution_time}}",
            "greeting": "Hi {{customer_firstname}}, you gave {{satisfaction_score}}!",
        },
    },
}


def gorgias(*triggers: dict[str, Any]) -> GorgiasConfig:
    section = {"domain": "yourstore.gorgias.com", "triggers": list(triggers)}
    return parse_config({"connectors": {"gorgias": section}}, environ={}).gorgias


def responded(hours_ago: float = 1) -> Transition:
    return Transition(
        kind="satisfaction_survey.responded",
        occurred_at=NOW - timedelta(hours=hours_ago),
        object_id=5501,
        customer_id=7,
        ticket_id=901234,
        survey_id=5501,
    )


def test_trigger_template_action() -> None:
    outcome = evaluate_triggers(responded(), FACTS, gorgias(UPSELL), now=NOW)
    (action,) = outcome.actions
    assert action.trigger == "post-support-upsell"
    assert action.template_id == 12
    assert action.brevo_event is None
    assert action.email == "jane@example.com"


def test_trigger_params_rendered() -> None:
    (action,) = evaluate_triggers(responded(), FACTS, gorgias(UPSELL), now=NOW).actions
    assert action.params == {
        "agent_name": "Sam Agent",
        "ticket_subject": "Parcel arrived damaged",
        "resolution_time": 2760,
        "greeting": "Hi Jane, you gave 5!",
    }


def test_trigger_condition_false() -> None:
    low = SurveyFacts(
        id=5501,
        ticket_id=901234,
        customer_id=7,
        score=3,
        created_at=CLOSED,
        scored_at=NOW,
    )
    facts = TriggerFacts(customer=JANE, ticket=TICKET, survey=low)
    outcome = evaluate_triggers(responded(), facts, gorgias(UPSELL), now=NOW)
    assert outcome.actions == ()
    assert outcome.skipped == ()


def test_trigger_other_kind_ignored() -> None:
    transition = Transition(
        kind="ticket.closed", occurred_at=CLOSED, object_id=901234, customer_id=7
    )
    assert evaluate_triggers(transition, FACTS, gorgias(UPSELL), now=NOW).actions == ()


def test_trigger_too_old_skipped() -> None:
    outcome = evaluate_triggers(
        responded(hours_ago=25), FACTS, gorgias(UPSELL), now=NOW
    )
    assert outcome.actions == ()
    assert [(s.trigger, s.reason) for s in outcome.skipped] == [
        ("post-support-upsell", "too_old")
    ]


def test_trigger_custom_max_age() -> None:
    config = gorgias({**UPSELL, "max_age_hours": 72})
    outcome = evaluate_triggers(responded(hours_ago=48), FACTS, config, now=NOW)
    assert len(outcome.actions) == 1


def test_trigger_template_without_email_skipped() -> None:
    facts = TriggerFacts(
        customer=CustomerFacts(id=7, email=None), ticket=TICKET, survey=SURVEY
    )
    outcome = evaluate_triggers(responded(), facts, gorgias(UPSELL), now=NOW)
    assert outcome.actions == ()
    assert [s.reason for s in outcome.skipped] == ["no_email"]


def test_trigger_email_from_channel() -> None:
    customer = CustomerFacts(id=7, email=None, emails=("Jane@Example.com",))
    facts = TriggerFacts(customer=customer, ticket=TICKET, survey=SURVEY)
    (action,) = evaluate_triggers(responded(), facts, gorgias(UPSELL), now=NOW).actions
    assert action.email == "jane@example.com"


def test_trigger_brevo_event_target() -> None:
    trigger = {
        "name": "resolved-chat",
        "on": "ticket.closed",
        "conditions": {"channel": {"in": ["email", "chat"]}},
        "target": {
            "brevo_event": "CHAT_RESOLVED",
            "params": {"ticket": "{{ticket_id}}"},
        },
    }
    transition = Transition(
        kind="ticket.closed", occurred_at=CLOSED, object_id=901234, customer_id=7
    )
    (action,) = evaluate_triggers(transition, FACTS, gorgias(trigger), now=NOW).actions
    event = action.to_event({"email_id": "jane@example.com"})
    assert event.name == "CHAT_RESOLVED"
    assert event.event_properties == {"ticket": 901234}
    assert event.occurred_at == CLOSED
    assert action.email is None


def test_trigger_template_has_no_event() -> None:
    (action,) = evaluate_triggers(responded(), FACTS, gorgias(UPSELL), now=NOW).actions
    with pytest.raises(ValueError, match="not an event"):
        action.to_event({"email_id": "jane@example.com"})


def test_trigger_idempotency_key_per_trigger() -> None:
    second = {**UPSELL, "name": "thank-you"}
    transition = responded()
    outcome = evaluate_triggers(transition, FACTS, gorgias(UPSELL, second), now=NOW)
    keys = [action.idempotency_key for action in outcome.actions]
    assert keys == [
        f"trigger:post-support-upsell:{transition.idempotency_key}",
        f"trigger:thank-you:{transition.idempotency_key}",
    ]


def test_trigger_csat_on_close_sees_no_score() -> None:
    trigger = {**UPSELL, "on": "ticket.closed"}
    transition = Transition(
        kind="ticket.closed", occurred_at=CLOSED, object_id=901234, customer_id=7
    )
    facts = TriggerFacts(customer=JANE, ticket=TICKET, survey=None)
    assert evaluate_triggers(transition, facts, gorgias(trigger), now=NOW).actions == ()


# (id, condition as written in YAML, field value, expected)
OPERATOR_CASES: list[tuple[str, Any, Any, bool]] = [
    ("eq-number", {"eq": 5}, 5.0, True),
    ("eq-number-as-text", {"eq": "5"}, 5.0, True),
    ("eq-number-false", {"eq": 4}, 5.0, False),
    ("ne-number", {"ne": 4}, 5.0, True),
    ("gt-true", {"gt": 4}, 5.0, True),
    ("gt-equal", {"gt": 5}, 5.0, False),
    ("gte-equal", {"gte": 5}, 5.0, True),
    ("lt-true", {"lt": 3}, 2.0, True),
    ("lte-false", {"lte": 2}, 3.0, False),
    ("range", {"gte": 2, "lte": 4}, 3.0, True),
    ("range-outside", {"gte": 2, "lte": 4}, 5.0, False),
    ("in-number", {"in": [4, 5]}, 5.0, True),
    ("not-in-number", {"not_in": [4, 5]}, 5.0, False),
    ("eq-text-any-case", {"eq": "Chat"}, "chat", True),
    ("ne-text", {"ne": "chat"}, "email", True),
    ("in-text", {"in": ["email", "chat"]}, "chat", True),
    ("in-text-false", {"in": ["email", "chat"]}, "phone", False),
    ("not-in-text", {"not_in": ["phone"]}, "chat", True),
    ("shorthand-eq", "closed", "closed", True),
    ("shorthand-in", ["email", "chat"], "email", True),
    ("list-eq-contains", {"eq": "vip"}, ["refund", "VIP"], True),
    ("list-ne", {"ne": "vip"}, ["refund", "VIP"], False),
    ("list-in-any", {"in": ["vip", "gold"]}, ["VIP"], True),
    ("list-not-in", {"not_in": ["spam"]}, ["VIP"], True),
    ("exists-true", {"exists": True}, 4.0, True),
    ("exists-true-missing", {"exists": True}, None, False),
    ("exists-false-missing", {"exists": False}, None, True),
    ("exists-false-present", {"exists": False}, "chat", False),
    ("exists-empty-text", {"exists": True}, "", False),
    ("exists-empty-list", {"exists": True}, [], False),
    ("missing-fails-gte", {"gte": 1}, None, False),
    ("missing-fails-ne", {"ne": "chat"}, None, False),
    ("missing-fails-not-in", {"not_in": ["chat"]}, None, False),
]


@pytest.mark.parametrize(
    ("written", "value", "expected"),
    [case[1:] for case in OPERATOR_CASES],
    ids=[case[0] for case in OPERATOR_CASES],
)
def test_condition_operators(written: Any, value: Any, expected: bool) -> None:
    condition = Condition.model_validate(written)
    assert condition_holds(condition, value) is expected


def test_trigger_tags_condition() -> None:
    trigger = {
        **UPSELL,
        "conditions": {"tags": {"in": ["vip"]}, "satisfaction_score": 5},
    }
    assert (
        len(evaluate_triggers(responded(), FACTS, gorgias(trigger), now=NOW).actions)
        == 1
    )
