"""Campaign triggers: which configured follow-ups a transition starts.

Conditions are evaluated as data with a fixed set of operators; nothing from
the configuration is ever executed. A trigger never fires for a transition
older than its `max_age_hours`, so a first sync over old tickets sends no
follow-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from tajo.brevo.models import BrevoEvent
from tajo.config import TRIGGER_FIELDS, Condition, GorgiasConfig, TriggerConfig
from tajo.config.triggers import PLACEHOLDER
from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts
from tajo.mapping.identity import customer_email
from tajo.mapping.transitions import Transition, resolution_minutes

FieldValue = str | float | list[str] | None

# Reasons a matching trigger did not fire.
REASON_TOO_OLD = "too_old"
REASON_NO_EMAIL = "no_email"


def _no_params() -> Mapping[str, object]:
    # A factory, because dataclasses before Python 3.12 reject a mappingproxy
    # as a field default.
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TriggerFacts:
    """The stored records a transition concerns, in their current state."""

    customer: CustomerFacts | None
    ticket: TicketFacts | None = None
    survey: SurveyFacts | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TriggerAction:
    """A follow-up to start once: a Brevo event or a template email."""

    trigger: str
    # Guards the action in the ledger: the trigger name plus the transition key.
    idempotency_key: str
    occurred_at: datetime
    brevo_event: str | None
    template_id: int | None
    params: Mapping[str, object] = field(default_factory=_no_params)
    # Recipient of a template email; None for a Brevo event target.
    email: str | None = None

    def to_event(self, identifiers: Mapping[str, str | int]) -> BrevoEvent:
        """Return the Brevo event of a `brevo_event` target.

        Raises:
            ValueError: the target is a template email, not an event.
        """
        if self.brevo_event is None:
            raise ValueError(
                f"trigger target is not an event: trigger={self.trigger!r}; "
                "expected a brevo_event target; send template actions by email"
            )
        return BrevoEvent(
            name=self.brevo_event,
            identifiers=identifiers,
            occurred_at=self.occurred_at,
            event_properties=dict(self.params),
        )


@dataclass(frozen=True, slots=True)
class SkippedTrigger:
    """A trigger whose conditions held but which did not fire, with the reason."""

    trigger: str
    reason: str


@dataclass(frozen=True, slots=True)
class TriggerOutcome:
    """The actions to start and the matching triggers that were held back."""

    actions: tuple[TriggerAction, ...] = ()
    skipped: tuple[SkippedTrigger, ...] = ()


def evaluate_triggers(
    transition: Transition,
    facts: TriggerFacts,
    config: GorgiasConfig,
    *,
    now: datetime,
) -> TriggerOutcome:
    """Return the actions of every trigger on `transition.kind` whose conditions hold.

    A trigger whose conditions hold is still skipped in two cases. It is
    `too_old` when the transition is older than `max_age_hours`. It is
    `no_email` when its template email has no usable recipient address.
    """
    values = trigger_values(transition, facts)
    actions: list[TriggerAction] = []
    skipped: list[SkippedTrigger] = []
    for trigger in config.triggers:
        if trigger.on != transition.kind or not conditions_hold(trigger, values):
            continue
        if now - transition.occurred_at > timedelta(hours=trigger.max_age_hours):
            skipped.append(SkippedTrigger(trigger.name, REASON_TOO_OLD))
            continue
        raw_email = values["customer_email"]
        email = raw_email if isinstance(raw_email, str) else None
        target = trigger.target
        if target.template_id is not None and email is None:
            skipped.append(SkippedTrigger(trigger.name, REASON_NO_EMAIL))
            continue
        actions.append(
            TriggerAction(
                trigger=trigger.name,
                idempotency_key=f"trigger:{trigger.name}:{transition.idempotency_key}",
                occurred_at=transition.occurred_at,
                brevo_event=target.brevo_event,
                template_id=target.template_id,
                params=MappingProxyType(render_params(target.params, values)),
                email=email if target.template_id is not None else None,
            )
        )
    return TriggerOutcome(actions=tuple(actions), skipped=tuple(skipped))


def trigger_values(
    transition: Transition, facts: TriggerFacts
) -> dict[str, FieldValue]:
    """Return the value of every field in `TRIGGER_FIELDS` for one transition."""
    ticket, survey, customer = facts.ticket, facts.survey, facts.customer
    values: dict[str, FieldValue] = dict.fromkeys(TRIGGER_FIELDS)
    ticket_id = transition.ticket_id or (ticket.id if ticket else None)
    values["ticket_id"] = float(ticket_id) if ticket_id is not None else None
    name = transition.properties.get("name")
    values["automation_name"] = name if isinstance(name, str) else None
    if ticket is not None:
        values["ticket_subject"] = ticket.subject
        values["channel"] = ticket.channel
        values["status"] = ticket.status
        values["tags"] = list(ticket.tags)
        values["agent_name"] = ticket.assignee_name
        values["resolution_time"] = resolution_minutes(ticket)
        if ticket.first_response_seconds is not None:
            values["first_response_time"] = round(ticket.first_response_seconds / 60, 2)
    if survey is not None and survey.score is not None:
        values["satisfaction_score"] = float(survey.score)
        values["satisfaction_comment"] = survey.body_text
    if customer is not None:
        values["customer_id"] = float(customer.id)
        values["customer_email"] = customer_email(customer)
        values["customer_firstname"] = customer.firstname or None
        values["customer_lastname"] = customer.lastname or None
        full = " ".join(p for p in (customer.firstname, customer.lastname) if p)
        values["customer_name"] = customer.name or full or None
    return values


def conditions_hold(trigger: TriggerConfig, values: Mapping[str, FieldValue]) -> bool:
    """Return True when every condition of `trigger` holds for `values`."""
    return all(
        condition_holds(condition, values.get(name))
        for name, condition in trigger.conditions.items()
    )


def condition_holds(condition: Condition, value: FieldValue) -> bool:
    """Return True when every operator of `condition` holds for `value`.

    A missing value (None, empty text or an empty list) satisfies only
    `exists: false`, so a condition never passes by accident on absent data.
    Text compares without regard to case. A list (tags) matches `eq` when it
    contains the value, and `in` when it shares any value with the list given.
    """
    present = value is not None and value != "" and value != []
    for operator, expected in condition.operators().items():
        if operator == "exists":
            if bool(expected) != present:
                return False
        elif not present or not _compare(operator, value, expected):
            return False
    return True


def _compare(operator: str, value: FieldValue, expected: object) -> bool:
    if isinstance(value, list):
        have = {item.casefold() for item in value}
        targets = {_text(item) for item in _as_list(expected)}
        if operator in ("eq", "in"):
            return bool(have & targets)
        if operator in ("ne", "not_in"):
            return not have & targets
        return False
    if isinstance(value, float):
        numbers = [_as_number(item) for item in _as_list(expected)]
        return _apply(operator, value, numbers)
    text = _text(value)
    return _apply(operator, text, [_text(item) for item in _as_list(expected)])


def _apply(operator: str, value: object, expected: list[object]) -> bool:
    if operator == "eq":
        return value == expected[0]
    if operator == "ne":
        return value != expected[0]
    if operator == "in":
        return value in expected
    if operator == "not_in":
        return value not in expected
    if not isinstance(value, float) or not isinstance(expected[0], float):
        return False
    bound = expected[0]
    if operator == "gt":
        return value > bound
    if operator == "gte":
        return value >= bound
    if operator == "lt":
        return value < bound
    return operator == "lte" and value <= bound


def _as_list(expected: object) -> list[object]:
    return list(expected) if isinstance(expected, list | tuple) else [expected]


def _as_number(item: object) -> object:
    if isinstance(item, int | float) and not isinstance(item, bool):
        return float(item)
    try:
        return float(str(item))
    except ValueError:
        return item


def _text(item: object) -> str:
    return str(item).strip().casefold()


def render_params(
    params: Mapping[str, object], values: Mapping[str, FieldValue]
) -> dict[str, object]:
    """Fill `{{field}}` placeholders in template parameters.

    A parameter that is exactly one placeholder keeps the field's type, so a
    number stays a number and tags stay a list. Placeholders inside longer
    text are replaced by their text. A missing value becomes an empty string.
    """
    rendered: dict[str, object] = {}
    for name, template in params.items():
        if not isinstance(template, str):
            rendered[name] = template
            continue
        whole = PLACEHOLDER.fullmatch(template.strip())
        if whole is not None:
            value = values.get(whole.group(1))
            rendered[name] = "" if value is None else _plain(value)
            continue
        rendered[name] = PLACEHOLDER.sub(
            lambda match: _as_text(values.get(match.group(1))), template
        )
    return rendered


def _plain(value: FieldValue) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_text(value: FieldValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return str(_plain(value))
