"""Campaign triggers: declarative conditions and the Brevo action they start.

Conditions are data (`{satisfaction_score: {gte: 4}}`), never code, so a
configuration file cannot run anything. Fields and template placeholders come
from the fixed set in `TRIGGER_FIELDS`, checked when the file is loaded.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, model_validator

from tajo.config.base import Section, did_you_mean, invalid, setting
from tajo.config.fields import EventKind
from tajo.config.types import EventName, PositiveId

FieldKind = Literal["number", "text", "list"]
"""Comparison kind of a trigger field: a number, text or a list of text."""

# The values a condition can test and a template parameter can use. The
# planner fills them from the transition and its customer, ticket and survey.
TRIGGER_FIELDS: dict[str, FieldKind] = {
    "ticket_id": "number",
    "ticket_subject": "text",
    "channel": "text",
    "status": "text",
    "tags": "list",
    "agent_name": "text",
    # Minutes from ticket creation to close.
    "resolution_time": "number",
    # Minutes from the first customer message to the first agent reply.
    "first_response_time": "number",
    "satisfaction_score": "number",
    "satisfaction_comment": "text",
    "customer_id": "number",
    "customer_email": "text",
    "customer_name": "text",
    "customer_firstname": "text",
    "customer_lastname": "text",
    # Name of the macro or rule behind macro.applied and rule.executed.
    "automation_name": "text",
}

_OPERATORS_BY_KIND: dict[FieldKind, frozenset[str]] = {
    "number": frozenset(
        {"eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "exists"}
    ),
    "text": frozenset({"eq", "ne", "in", "not_in", "exists"}),
    "list": frozenset({"eq", "ne", "in", "not_in", "exists"}),
}

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_TRIGGER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")

Scalar = str | int | float | bool


def _scalar(value: Any) -> Scalar:
    if isinstance(value, str | int | float):
        return value
    raise invalid("a single value: text, number or true/false", "write one value")


def _number(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise invalid("a number", "write a number such as 4 or 30.5")


def _trigger_name(value: str) -> str:
    if not _TRIGGER_NAME.fullmatch(value):
        raise invalid(
            "a name of 1 to 100 letters, digits, - or _, starting with a letter "
            "or digit",
            "rename the trigger, for example post-support-upsell",
        )
    return value


ConditionValue = Annotated[Scalar, BeforeValidator(_scalar)]
Number = Annotated[float, BeforeValidator(_number)]
TriggerName = Annotated[str, AfterValidator(_trigger_name)]


class Condition(Section):
    """Tests on one field; every operator given must hold.

    A bare value is short for `eq` and a bare list is short for `in`.
    """

    eq: ConditionValue | None = setting(
        None, expected="a value to compare with", fix="write one value"
    )
    ne: ConditionValue | None = setting(
        None, expected="a value to compare with", fix="write one value"
    )
    gt: Number | None = setting(None, expected="a number", fix="write a number")
    gte: Number | None = setting(None, expected="a number", fix="write a number")
    lt: Number | None = setting(None, expected="a number", fix="write a number")
    lte: Number | None = setting(None, expected="a number", fix="write a number")
    in_: tuple[ConditionValue, ...] | None = setting(
        None,
        alias="in",
        expected="a list of values",
        fix="write a list such as [email, chat]",
    )
    not_in: tuple[ConditionValue, ...] | None = setting(
        None, expected="a list of values", fix="write a list such as [spam, test]"
    )
    exists: bool | None = setting(
        None, expected="true or false", fix="write exists: true or exists: false"
    )

    @model_validator(mode="before")
    @classmethod
    def _expand_shorthand(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            return {"in": data}
        if not isinstance(data, dict):
            return {"eq": data}
        return data

    @model_validator(mode="after")
    def _require_operator(self) -> Condition:
        if not self.operators():
            raise invalid(
                "at least one operator: eq, ne, gt, gte, lt, lte, in, not_in, exists",
                "add an operator such as {gte: 4}",
            )
        return self

    def operators(self) -> dict[str, object]:
        """Return the operators that are set, keyed by their YAML name."""
        values = self.model_dump(by_alias=True, exclude_none=True)
        return dict(values)


class TriggerTarget(Section):
    """The action a trigger starts: a Brevo event or a transactional template email."""

    brevo_event: EventName | None = setting(
        None,
        expected="a Brevo event name that starts a workflow",
        fix="name the event your Brevo automation listens to",
    )
    template_id: PositiveId | None = setting(
        None,
        expected="a Brevo transactional template id",
        fix="copy the id from Brevo > Transactional > Templates",
    )
    params: dict[str, ConditionValue] = setting(
        default={},
        expected="a mapping of parameter names to text with {{field}} placeholders",
        fix="write params such as {agent_name: '{{agent_name}}'}",
    )

    @model_validator(mode="after")
    def _check(self) -> TriggerTarget:
        if (self.brevo_event is None) == (self.template_id is None):
            raise invalid(
                "exactly one of brevo_event or template_id",
                "keep either `brevo_event: NAME` or `template_id: ID`",
            )
        for name, value in self.params.items():
            if not isinstance(value, str):
                continue
            for field in PLACEHOLDER.findall(value):
                if field not in TRIGGER_FIELDS:
                    raise invalid(
                        f"placeholders among {', '.join(TRIGGER_FIELDS)}",
                        f"{did_you_mean(field, TRIGGER_FIELDS)}fix {{{{{field}}}}}",
                        key=f"params.{name}",
                    )
        return self


class TriggerConfig(Section):
    """One campaign trigger: when a transition of kind `on` meets the conditions."""

    name: TriggerName = setting(
        expected="a unique trigger name", fix="add `name: post-support-upsell`"
    )
    on: EventKind = setting(
        expected="the transition kind that fires the trigger",
        fix="use satisfaction_survey.responded for CSAT follow-ups",
    )
    conditions: dict[str, Condition] = setting(
        default={},
        expected="a mapping of field names to operators",
        fix="write conditions such as {satisfaction_score: {gte: 4}}",
    )
    target: TriggerTarget = setting(
        expected="{brevo_event: NAME} or {template_id: ID, params: {...}}",
        fix="add a target",
    )
    max_age_hours: float = setting(
        24.0,
        expected="hours after the transition during which the trigger may fire",
        fix="use a positive number; 24 is the default",
    )

    @model_validator(mode="after")
    def _check(self) -> TriggerConfig:
        if self.max_age_hours <= 0:
            raise invalid(
                "a positive number of hours",
                "use 24, or more for late webhooks",
                key="max_age_hours",
            )
        for field, condition in self.conditions.items():
            kind = TRIGGER_FIELDS.get(field)
            if kind is None:
                raise invalid(
                    f"a field among {', '.join(TRIGGER_FIELDS)}",
                    f"{did_you_mean(field, TRIGGER_FIELDS)}fix the field name",
                    key=f"conditions.{field}",
                )
            unsupported = set(condition.operators()) - _OPERATORS_BY_KIND[kind]
            if unsupported:
                allowed = ", ".join(sorted(_OPERATORS_BY_KIND[kind]))
                raise invalid(
                    f"operators for a {kind} field: {allowed}",
                    f"remove {', '.join(sorted(unsupported))}",
                    key=f"conditions.{field}",
                )
        return self
