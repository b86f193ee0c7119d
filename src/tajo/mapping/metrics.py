"""Support metrics of one customer, computed from the stored tickets and surveys.

Spam and trashed tickets do not count, because they are not support the
customer received (Gorgias lists them by default). Surveys of such tickets are
left out too. Metrics are computed from the whole stored history, so an incremental
run produces the same contact as a full one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tajo.mapping.facts import SurveyFacts, TicketFacts


@dataclass(frozen=True, slots=True, kw_only=True)
class SupportMetrics:
    """The numbers `field_mapping` can send to Brevo."""

    # Tickets that are neither spam nor trashed.
    ticket_count: int
    open_ticket_count: int
    # Creation time and channel of the most recently created counted ticket.
    last_ticket_at: datetime | None
    last_ticket_channel: str | None
    # Mean first-response time in minutes over counted tickets that have one.
    avg_response_minutes: float | None
    # Score of the most recently scored survey, by scored time.
    last_csat_score: int | None
    last_csat_at: datetime | None
    # Scored surveys (answered, with a score).
    csat_responses: int


def counts(ticket: TicketFacts) -> bool:
    """Return True when a ticket counts toward metrics, tags and events."""
    return not (ticket.spam or ticket.trashed)


def scored_at(survey: SurveyFacts) -> datetime | None:
    """Return when a survey was answered, None while it has no score.

    A survey with a score but no `scored_at` falls back to its sent and then
    its creation time, so the score is still used.
    """
    if survey.score is None:
        return None
    return survey.scored_at or survey.sent_at or survey.created_at


def compute_metrics(
    tickets: Iterable[TicketFacts], surveys: Iterable[SurveyFacts]
) -> SupportMetrics:
    """Compute the support metrics of one customer from their tickets and surveys."""
    all_tickets = list(tickets)
    counted = [ticket for ticket in all_tickets if counts(ticket)]
    excluded_ids = {ticket.id for ticket in all_tickets if not counts(ticket)}

    last_ticket = max(counted, key=lambda t: (t.created_at, t.id), default=None)

    response_minutes = [
        ticket.first_response_seconds / 60
        for ticket in counted
        if ticket.first_response_seconds is not None
        # A negative duration comes from clock skew between messages.
        and ticket.first_response_seconds >= 0
    ]
    average = (
        round(sum(response_minutes) / len(response_minutes), 2)
        if response_minutes
        else None
    )

    scored = [
        (when, survey)
        for survey in surveys
        if survey.ticket_id not in excluded_ids
        and (when := scored_at(survey)) is not None
    ]
    latest = max(scored, key=lambda pair: (pair[0], pair[1].id), default=None)

    return SupportMetrics(
        ticket_count=len(counted),
        open_ticket_count=sum(1 for ticket in counted if ticket.status != "closed"),
        last_ticket_at=last_ticket.created_at if last_ticket else None,
        last_ticket_channel=last_ticket.channel if last_ticket else None,
        avg_response_minutes=average,
        last_csat_score=latest[1].score if latest else None,
        last_csat_at=latest[0] if latest else None,
        csat_responses=len(scored),
    )
