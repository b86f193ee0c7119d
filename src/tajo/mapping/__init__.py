"""The planner: Gorgias facts and the configuration in, desired Brevo state out.

Pure functions over plain values; nothing here imports an HTTP client, the
store or the CLI.

- `plan_contact`: a contact's identifiers, attributes and list membership.
- `ticket_transitions`, `survey_transitions`, `customer_transitions`: changes.
- `plan_events`: transitions as Brevo events inside the backfill window.
- `evaluate_triggers`: the campaign triggers a transition fires.
"""

from __future__ import annotations

from tajo.mapping.attributes import PlanValue, attribute_values, required_attributes
from tajo.mapping.engine import (
    ContactPlan,
    Skip,
    customer_tags,
    desired_lists,
    plan_contact,
)
from tajo.mapping.events import EventPlans, PlannedEvent, history_cutoff, plan_events
from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts
from tajo.mapping.identity import (
    REASON_NO_EMAIL,
    REASON_PHONE_NEEDS_REGION,
    customer_email,
    plan_identity,
    primary_identifiers,
)
from tajo.mapping.metrics import SupportMetrics, compute_metrics, counts
from tajo.mapping.transitions import (
    PropertyValue,
    Transition,
    automation_transition,
    customer_transitions,
    resolution_minutes,
    survey_transitions,
    ticket_transitions,
)
from tajo.mapping.triggers import (
    REASON_TOO_OLD,
    SkippedTrigger,
    TriggerAction,
    TriggerFacts,
    TriggerOutcome,
    condition_holds,
    evaluate_triggers,
    render_params,
    trigger_values,
)

__all__ = [
    "REASON_NO_EMAIL",
    "REASON_PHONE_NEEDS_REGION",
    "REASON_TOO_OLD",
    "ContactPlan",
    "CustomerFacts",
    "EventPlans",
    "PlanValue",
    "PlannedEvent",
    "PropertyValue",
    "Skip",
    "SkippedTrigger",
    "SupportMetrics",
    "SurveyFacts",
    "TicketFacts",
    "Transition",
    "TriggerAction",
    "TriggerFacts",
    "TriggerOutcome",
    "attribute_values",
    "automation_transition",
    "compute_metrics",
    "condition_holds",
    "counts",
    "customer_email",
    "customer_tags",
    "customer_transitions",
    "desired_lists",
    "evaluate_triggers",
    "history_cutoff",
    "plan_contact",
    "plan_events",
    "plan_identity",
    "primary_identifiers",
    "render_params",
    "required_attributes",
    "resolution_minutes",
    "survey_transitions",
    "ticket_transitions",
    "trigger_values",
]
