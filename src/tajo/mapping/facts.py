"""Plain values the planner works on, loaded from the state store.

The store keeps what it needs to rebuild these; the planner turns them into the
desired Brevo state. Both sides agree on these types and nothing else, so the
planner stays free of HTTP clients and database sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType


def _empty_mapping() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """One Gorgias customer as the store keeps it."""

    id: int
    email: str | None
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    # Addresses of the customer's email channels, primary email first.
    emails: tuple[str, ...] = ()
    # Raw phone channel addresses as Gorgias holds them (local formats included).
    phones: tuple[str, ...] = ()
    external_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Customer custom field values keyed by the field's label, lower-cased with
    # spaces as underscores ("Loyalty tier" -> "loyalty_tier").
    custom_fields: Mapping[str, object] = field(default_factory=_empty_mapping)
    # Shopify data found under `integrations`: orders_count, total_spent, tags.
    shopify: Mapping[str, object] = field(default_factory=_empty_mapping)
    # Tags held on the customer itself (Shopify customer tags), not on tickets.
    customer_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """One Gorgias ticket as the store keeps it."""

    id: int
    customer_id: int | None
    status: str
    channel: str | None
    created_at: datetime
    updated_at: datetime
    subject: str | None = None
    spam: bool = False
    trashed: bool = False
    closed_at: datetime | None = None
    tags: tuple[str, ...] = ()
    assignee_user_id: int | None = None
    assignee_name: str | None = None
    # Seconds from the first customer message to the first public agent reply.
    first_response_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class SurveyFacts:
    """One satisfaction survey; Gorgias allows at most one per ticket."""

    id: int
    ticket_id: int
    customer_id: int | None
    score: int | None
    created_at: datetime
    sent_at: datetime | None = None
    scored_at: datetime | None = None
    body_text: str | None = None
