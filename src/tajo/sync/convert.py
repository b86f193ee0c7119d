"""Gorgias API records turned into the planner's facts.

Gorgias sends messy data: customers without email or name, tickets without a
customer or a date, surveys without a ticket. What the planner cannot work
with raises `RecordError`, and the caller sends the record to the
failed-record ledger instead of stopping the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tajo.config import custom_field_key
from tajo.errors import RecordError
from tajo.gorgias import Customer, CustomFieldValue, SatisfactionSurvey, Ticket
from tajo.mapping import CustomerFacts, SurveyFacts, TicketFacts

# Channel types whose address is a phone number Brevo can use as SMS.
PHONE_CHANNELS = ("phone", "sms", "whatsapp")
SHOPIFY = "shopify"


def customer_facts(
    customer: Customer, custom_fields: Mapping[str, object] | None = None
) -> CustomerFacts:
    """Return the facts of one Gorgias customer.

    `custom_fields` are the values read with the per-customer custom-fields
    call, keyed as `custom_field_key` names them; the customer list does not
    carry them.
    """
    phones: list[str] = []
    for channel_type in PHONE_CHANNELS:
        phones.extend(customer.channel_addresses(channel_type))
    shopify, shop_tags = _shopify(customer)
    return CustomerFacts(
        id=customer.id,
        email=customer.email,
        name=customer.name,
        firstname=customer.firstname,
        lastname=customer.lastname,
        emails=tuple(customer.channel_addresses("email")),
        phones=tuple(dict.fromkeys(phones)),
        external_id=customer.external_id,
        created_at=customer.created_datetime,
        updated_at=customer.updated_datetime,
        custom_fields=MappingProxyType(dict(custom_fields or {})),
        shopify=MappingProxyType(shopify),
        customer_tags=shop_tags,
    )


def custom_field_values(values: list[CustomFieldValue]) -> dict[str, object]:
    """Return custom field values keyed by `custom_field_key(label)`."""
    keyed: dict[str, object] = {}
    for value in values:
        label = value.label
        if label:
            keyed[custom_field_key(label)] = value.value
    return keyed


def _shopify(customer: Customer) -> tuple[dict[str, object], tuple[str, ...]]:
    values: dict[str, object] = {}
    tags: list[str] = []
    for integration in customer.integrations_of_type(SHOPIFY):
        shop = integration.get("customer")
        if not isinstance(shop, dict):
            continue
        for key in ("orders_count", "total_spent"):
            if shop.get(key) is not None and key not in values:
                values[key] = shop[key]
        raw_tags = shop.get("tags")
        if isinstance(raw_tags, str):
            tags.extend(tag.strip() for tag in raw_tags.split(",") if tag.strip())
    return values, tuple(dict.fromkeys(tags))


def ticket_facts(
    ticket: Ticket, *, first_response_seconds: float | None = None
) -> TicketFacts:
    """Return the facts of one Gorgias ticket.

    Raises:
        RecordError: the ticket has no creation or update time, so it can be
            neither ordered nor placed on a timeline.
    """
    created = ticket.created_datetime
    updated = ticket.updated_datetime or created
    if created is None or updated is None:
        raise RecordError(
            f"ticket without dates: id={ticket.id}; expected created_datetime and "
            "updated_datetime; the ticket is left out until Gorgias sends them"
        )
    assignee = ticket.assignee_user
    assignee_name = None
    if assignee is not None:
        full = " ".join(p for p in (assignee.firstname, assignee.lastname) if p)
        assignee_name = assignee.name or full or None
    customer = ticket.customer
    return TicketFacts(
        id=ticket.id,
        customer_id=customer.id if customer is not None else None,
        status=(ticket.status or "open").lower(),
        channel=ticket.channel,
        created_at=created,
        updated_at=updated,
        subject=ticket.subject or None,
        spam=bool(ticket.spam),
        trashed=ticket.is_trashed,
        closed_at=ticket.closed_datetime,
        tags=tuple(ticket.tag_names),
        assignee_user_id=ticket.assignee_user_id
        or (assignee.id if assignee is not None else None),
        assignee_name=assignee_name,
        first_response_seconds=first_response_seconds,
    )


def survey_facts(
    survey: SatisfactionSurvey, *, ticket_customer_id: int | None = None
) -> SurveyFacts:
    """Return the facts of one satisfaction survey.

    Raises:
        RecordError: the survey names no ticket or has no creation time.
    """
    if survey.ticket_id is None or survey.created_datetime is None:
        raise RecordError(
            f"survey without ticket or date: id={survey.id}; expected ticket_id "
            "and created_datetime; the survey is left out"
        )
    score = survey.score
    if score is not None and not 1 <= score <= 5:
        raise RecordError(
            f"survey score out of range: id={survey.id} score={score}; expected "
            "1 to 5; the survey is left out"
        )
    return SurveyFacts(
        id=survey.id,
        ticket_id=survey.ticket_id,
        customer_id=survey.customer_id or ticket_customer_id,
        score=score,
        created_at=survey.created_datetime,
        sent_at=survey.sent_datetime,
        scored_at=survey.scored_datetime if score is not None else None,
        body_text=survey.body_text or None,
    )
