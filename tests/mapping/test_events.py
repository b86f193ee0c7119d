"""plan_events: event names, identifiers and the backfill window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tajo.brevo.values import Identity
from tajo.config import GorgiasConfig, parse_config
from tajo.mapping import Transition, history_cutoff, plan_events

NOW = datetime(2026, 8, 12, 12, 0, tzinfo=UTC)
JANE = Identity(email="jane@example.com", sms="+33612345678", ext_id=None)


def gorgias(**changes: Any) -> GorgiasConfig:
    section: dict[str, Any] = {"domain": "yourstore.gorgias.com", **changes}
    return parse_config({"connectors": {"gorgias": section}}, environ={}).gorgias


def closed(days_ago: float, ticket_id: int = 1) -> Transition:
    return Transition(
        kind="ticket.closed",
        occurred_at=NOW - timedelta(days=days_ago),
        object_id=ticket_id,
        customer_id=7,
        ticket_id=ticket_id,
        properties={"ticket_id": ticket_id},
    )


def test_plan_events_names_from_mapping() -> None:
    plans = plan_events([closed(1)], JANE, gorgias(), now=NOW)
    (planned,) = plans.events
    assert planned.event.name == "SUPPORT_TICKET_RESOLVED"
    assert planned.event.occurred_at == NOW - timedelta(days=1)
    assert planned.event.event_properties == {"ticket_id": 1}


def test_plan_events_keeps_idempotency_key() -> None:
    transition = closed(1)
    (planned,) = plan_events([transition], JANE, gorgias(), now=NOW).events
    assert planned.idempotency_key == transition.idempotency_key


def test_plan_events_primary_identifier_email() -> None:
    (planned,) = plan_events([closed(1)], JANE, gorgias(), now=NOW).events
    assert planned.event.identifiers == {"email_id": "jane@example.com"}


def test_plan_events_ext_id_before_sms() -> None:
    identity = Identity(email=None, sms="+33612345678", ext_id="gorgias-7")
    (planned,) = plan_events([closed(1)], identity, gorgias(), now=NOW).events
    assert planned.event.identifiers == {"ext_id": "gorgias-7"}


def test_plan_events_sms_only_contact() -> None:
    identity = Identity(email=None, sms="+33612345678", ext_id=None)
    (planned,) = plan_events([closed(1)], identity, gorgias(), now=NOW).events
    assert planned.event.identifiers == {"phone_id": "+33612345678"}


def test_plan_events_without_identifier() -> None:
    identity = Identity(None, None, None, skip_reason="no_email_or_phone")
    plans = plan_events([closed(1)], identity, gorgias(), now=NOW)
    assert plans.events == ()
    assert len(plans.unaddressed) == 1


def test_plan_events_unmapped_kind() -> None:
    config = gorgias(event_mapping={"ticket.created": "OPENED"})
    plans = plan_events([closed(1)], JANE, config, now=NOW)
    assert plans.events == ()
    assert len(plans.unmapped) == 1


def test_plan_events_backfill_window_default() -> None:
    transitions = [
        closed(29, ticket_id=1),
        closed(31, ticket_id=2),
        closed(400, ticket_id=3),
    ]
    plans = plan_events(transitions, JANE, gorgias(), now=NOW)
    assert [p.transition.ticket_id for p in plans.events] == [1]
    assert [t.ticket_id for t in plans.historical] == [2, 3]


def test_plan_events_backfill_zero_sends_no_history() -> None:
    config = gorgias(sync={"event_backfill_days": 0})
    plans = plan_events([closed(0.01), closed(3, ticket_id=2)], JANE, config, now=NOW)
    assert plans.events == ()
    assert len(plans.historical) == 2


def test_plan_events_backfill_zero_later_run() -> None:
    # The first sync began a week ago; what happened since is sent.
    config = gorgias(sync={"event_backfill_days": 0})
    first_sync_at = NOW - timedelta(days=7)
    transitions = [closed(1, ticket_id=1), closed(8, ticket_id=2)]
    plans = plan_events(transitions, JANE, config, now=NOW, first_sync_at=first_sync_at)
    assert [p.transition.ticket_id for p in plans.events] == [1]
    assert [t.ticket_id for t in plans.historical] == [2]


def test_history_cutoff_anchored_at_first_sync() -> None:
    first_sync_at = NOW - timedelta(days=100)
    cutoff = history_cutoff(gorgias(), now=NOW, first_sync_at=first_sync_at)
    assert cutoff == NOW - timedelta(days=130)


def test_plan_events_history_before_unmapped_check() -> None:
    config = gorgias(event_mapping={"ticket.closed": None})
    plans = plan_events([closed(400)], JANE, config, now=NOW)
    assert plans.historical == ()
    assert len(plans.unmapped) == 1


def test_plan_events_automation_forwarding() -> None:
    macro = Transition(
        kind="macro.applied",
        occurred_at=NOW - timedelta(hours=1),
        object_id=88001,
        customer_id=7,
        properties={"name": "Refund issued"},
    )
    off = plan_events([macro], JANE, gorgias(), now=NOW)
    config = gorgias(event_mapping={"macro.applied": "SUPPORT_MACRO_APPLIED"})
    on = plan_events([macro], JANE, config, now=NOW)
    assert off.events == ()
    assert on.events[0].event.name == "SUPPORT_MACRO_APPLIED"
