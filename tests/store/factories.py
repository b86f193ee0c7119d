"""Facts with sensible defaults, so each test states only what it checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts

T0 = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """Return T0 plus `minutes`."""
    return T0 + timedelta(minutes=minutes)


def customer(customer_id: int = 1, **changes: Any) -> CustomerFacts:
    values: dict[str, Any] = {
        "id": customer_id,
        "email": f"customer{customer_id}@example.com",
        "name": "Ada Lovelace",
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(changes)
    return CustomerFacts(**values)


def ticket(ticket_id: int = 10, **changes: Any) -> TicketFacts:
    values: dict[str, Any] = {
        "id": ticket_id,
        "customer_id": 1,
        "status": "open",
        "channel": "email",
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(changes)
    return TicketFacts(**values)


def survey(survey_id: int = 100, **changes: Any) -> SurveyFacts:
    values: dict[str, Any] = {
        "id": survey_id,
        "ticket_id": 10,
        "customer_id": 1,
        "score": None,
        "created_at": T0,
    }
    values.update(changes)
    return SurveyFacts(**values)
