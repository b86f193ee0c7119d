"""The field and event vocabularies: what `field_mapping` and `event_mapping` accept."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator

from tajo.config.base import did_you_mean, invalid, suggest
from tajo.config.types import check_attribute_name

AttributeType = Literal["text", "float", "date", "boolean"]
"""A Brevo attribute type tajo creates; Brevo has no integer type."""

# Gorgias-side keys tajo computes or reads itself, with the Brevo type each
# needs. Any other key of `field_mapping` is a customer custom field.
BUILTIN_FIELD_TYPES: dict[str, AttributeType] = {
    "id": "text",
    "email": "text",
    "name": "text",
    "firstname": "text",
    "lastname": "text",
    "phone": "text",
    "external_id": "text",
    "tags": "text",
    "nb_tickets": "float",
    "open_tickets": "float",
    "last_ticket_date": "date",
    "last_ticket_channel": "text",
    # Minutes, as a float with two decimals.
    "avg_response_time": "float",
    "last_satisfaction_score": "float",
    "satisfaction_count": "float",
    "shopify.orders_count": "float",
    "shopify.total_spent": "float",
}

# Targets that are Brevo identifiers rather than ordinary attributes. Each may
# only receive the Gorgias field that contains that identifier.
EMAIL_TARGET = "email"
SMS_TARGET = "SMS"
IDENTIFIER_TARGETS: dict[str, str] = {EMAIL_TARGET: "email", SMS_TARGET: "phone"}

DEFAULT_FIELD_MAPPING: dict[str, str] = {
    "id": "GORGIAS_ID",
    "email": EMAIL_TARGET,
    "name": "FIRSTNAME",
    "phone": SMS_TARGET,
    "nb_tickets": "TICKET_COUNT",
    "last_ticket_date": "LAST_SUPPORT_DATE",
    "last_ticket_channel": "LAST_SUPPORT_CHANNEL",
    "avg_response_time": "AVG_RESPONSE_TIME",
    "last_satisfaction_score": "CSAT_SCORE",
    "satisfaction_count": "CSAT_RESPONSES",
}

TICKET_KINDS = ("ticket.created", "ticket.closed", "ticket.reopened")
SURVEY_KINDS = ("satisfaction_survey.created", "satisfaction_survey.responded")
CUSTOMER_KINDS = ("customer.created",)
# Macro applications and rule executions, read from the Gorgias events API.
AUTOMATION_KINDS = ("macro.applied", "rule.executed")
EVENT_KINDS: tuple[str, ...] = (
    TICKET_KINDS + SURVEY_KINDS + CUSTOMER_KINDS + AUTOMATION_KINDS
)

# Macro and rule events are absent, so they are not forwarded unless mapped.
DEFAULT_EVENT_MAPPING: dict[str, str | None] = {
    "ticket.created": "SUPPORT_TICKET_OPENED",
    "ticket.closed": "SUPPORT_TICKET_RESOLVED",
    "ticket.reopened": "SUPPORT_TICKET_REOPENED",
    "satisfaction_survey.created": "CSAT_SURVEY_SENT",
    "satisfaction_survey.responded": "CSAT_SUBMITTED",
    "customer.created": "SUPPORT_CUSTOMER_CREATED",
}


def is_custom_field(key: str) -> bool:
    """Return True when a `field_mapping` key names a customer custom field."""
    return key not in BUILTIN_FIELD_TYPES


def custom_field_key(label: str) -> str:
    """Return the `field_mapping` key of a Gorgias custom field label.

    The label is lower-cased and its spaces become underscores, the same key
    the store uses for `CustomerFacts.custom_fields`.
    """
    return label.strip().lower().replace(" ", "_")


def near_builtin(key: str) -> str | None:
    """Return the built-in key a custom key probably misspells, if any."""
    if not is_custom_field(key):
        return None
    return suggest(key, BUILTIN_FIELD_TYPES)


def _field_key(value: str) -> str:
    if value in BUILTIN_FIELD_TYPES:
        return value
    if "." in value:
        raise invalid(
            "a built-in field or a custom field key; dotted keys are only "
            "shopify.orders_count and shopify.total_spent",
            f"{did_you_mean(value, BUILTIN_FIELD_TYPES)}fix the key",
        )
    if not value or value != custom_field_key(value):
        raise invalid(
            "a custom field label lower-cased with spaces as underscores",
            f"write the key as {custom_field_key(value)!r}",
        )
    return value


def _field_target(value: str) -> str:
    if value in IDENTIFIER_TARGETS:
        return value
    if value == "EMAIL" or value.lower() == EMAIL_TARGET:
        raise invalid(
            "'email' for the Brevo email identifier, or an attribute name",
            "write `email: email`, because EMAIL is the identifier itself",
        )
    return check_attribute_name(value)


def _event_kind(value: str) -> str:
    if value in EVENT_KINDS:
        return value
    raise invalid(
        f"a transition kind: one of {', '.join(EVENT_KINDS)}",
        f"{did_you_mean(value, EVENT_KINDS)}use one of the listed kinds",
    )


FieldKey = Annotated[str, AfterValidator(_field_key)]
"""A `field_mapping` key: a built-in Gorgias field or a custom field key."""

FieldTarget = Annotated[str, AfterValidator(_field_target)]
"""A `field_mapping` value: `email`, `SMS` or a Brevo attribute name."""

EventKind = Annotated[str, AfterValidator(_event_kind)]
"""A transition kind such as `ticket.closed`; the keys of `event_mapping`."""
