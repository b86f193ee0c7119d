"""Conversions between the planner's facts and the mirror tables' rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import RowMapping

from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts


def customer_row(facts: CustomerFacts) -> dict[str, Any]:
    """Return the customers-table columns that come from Gorgias."""
    return {
        "id": facts.id,
        "email": facts.email,
        "name": facts.name,
        "firstname": facts.firstname,
        "lastname": facts.lastname,
        "emails": list(facts.emails),
        "phones": list(facts.phones),
        "external_id": facts.external_id,
        "created_at": facts.created_at,
        "updated_at": facts.updated_at,
        "custom_fields": dict(facts.custom_fields),
        "shopify": dict(facts.shopify),
        "customer_tags": list(facts.customer_tags),
    }


def customer_facts(row: RowMapping) -> CustomerFacts:
    """Rebuild a customer from its row."""
    return CustomerFacts(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        firstname=row["firstname"],
        lastname=row["lastname"],
        emails=tuple(row["emails"]),
        phones=tuple(row["phones"]),
        external_id=row["external_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        custom_fields=_frozen(row["custom_fields"]),
        shopify=_frozen(row["shopify"]),
        customer_tags=tuple(row["customer_tags"]),
    )


def ticket_row(facts: TicketFacts) -> dict[str, Any]:
    """Return the tickets-table columns that come from Gorgias."""
    return {
        "id": facts.id,
        "customer_id": facts.customer_id,
        "status": facts.status,
        "channel": facts.channel,
        "subject": facts.subject,
        "spam": facts.spam,
        "trashed": facts.trashed,
        "created_at": facts.created_at,
        "updated_at": facts.updated_at,
        "closed_at": facts.closed_at,
        "tags": list(facts.tags),
        "assignee_user_id": facts.assignee_user_id,
        "assignee_name": facts.assignee_name,
        "first_response_seconds": facts.first_response_seconds,
    }


def ticket_facts(row: RowMapping) -> TicketFacts:
    """Rebuild a ticket from its row."""
    return TicketFacts(
        id=row["id"],
        customer_id=row["customer_id"],
        status=row["status"],
        channel=row["channel"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        subject=row["subject"],
        spam=bool(row["spam"]),
        trashed=bool(row["trashed"]),
        closed_at=row["closed_at"],
        tags=tuple(row["tags"]),
        assignee_user_id=row["assignee_user_id"],
        assignee_name=row["assignee_name"],
        first_response_seconds=row["first_response_seconds"],
    )


def survey_row(facts: SurveyFacts) -> dict[str, Any]:
    """Return the surveys-table columns that come from Gorgias."""
    return {
        "id": facts.id,
        "ticket_id": facts.ticket_id,
        "customer_id": facts.customer_id,
        "score": facts.score,
        "body_text": facts.body_text,
        "created_at": facts.created_at,
        "sent_at": facts.sent_at,
        "scored_at": facts.scored_at,
    }


def survey_facts(row: RowMapping) -> SurveyFacts:
    """Rebuild a survey from its row."""
    return SurveyFacts(
        id=row["id"],
        ticket_id=row["ticket_id"],
        customer_id=row["customer_id"],
        score=row["score"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        scored_at=row["scored_at"],
        body_text=row["body_text"],
    )


def survey_version(facts: SurveyFacts) -> datetime:
    """Return the latest of created, sent and scored: a survey's change time.

    Gorgias surveys have no updated_datetime, and a score arrives days after
    the survey is created, so this is what orders two copies of one survey.
    """
    stamps = [facts.created_at, facts.sent_at, facts.scored_at]
    return max(stamp for stamp in stamps if stamp is not None)


def _frozen(value: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(value or {}))
