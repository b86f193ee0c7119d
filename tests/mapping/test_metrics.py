"""Support metrics computed from hand-built tickets and surveys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tajo.mapping import SurveyFacts, TicketFacts, compute_metrics

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def ticket(ticket_id: int, **changes: Any) -> TicketFacts:
    values: dict[str, Any] = {
        "id": ticket_id,
        "customer_id": 7,
        "status": "closed",
        "channel": "email",
        "created_at": T0 + timedelta(days=ticket_id),
        "updated_at": T0 + timedelta(days=ticket_id, hours=1),
    }
    values.update(changes)
    return TicketFacts(**values)


def survey(survey_id: int, ticket_id: int, **changes: Any) -> SurveyFacts:
    values: dict[str, Any] = {
        "id": survey_id,
        "ticket_id": ticket_id,
        "customer_id": 7,
        "score": None,
        "created_at": T0 + timedelta(days=survey_id),
    }
    values.update(changes)
    return SurveyFacts(**values)


def test_metrics_count_excludes_spam_and_trashed() -> None:
    tickets = [ticket(1), ticket(2, spam=True), ticket(3, trashed=True), ticket(4)]
    assert compute_metrics(tickets, []).ticket_count == 2


def test_metrics_open_count() -> None:
    tickets = [ticket(1, status="open"), ticket(2), ticket(3, status="open", spam=True)]
    assert compute_metrics(tickets, []).open_ticket_count == 1


def test_metrics_last_ticket_ignores_spam() -> None:
    tickets = [
        ticket(1, channel="chat"),
        ticket(2, channel="email"),
        ticket(9, channel="phone", spam=True),
    ]
    metrics = compute_metrics(tickets, [])
    assert metrics.last_ticket_at == T0 + timedelta(days=2)
    assert metrics.last_ticket_channel == "email"


def test_metrics_no_tickets() -> None:
    metrics = compute_metrics([], [])
    assert metrics.ticket_count == 0
    assert metrics.last_ticket_at is None
    assert metrics.last_ticket_channel is None
    assert metrics.avg_response_minutes is None
    assert metrics.last_csat_score is None
    assert metrics.csat_responses == 0


def test_metrics_average_first_response_minutes() -> None:
    tickets = [
        ticket(1, first_response_seconds=600),
        ticket(2, first_response_seconds=1500),
        ticket(3),
        ticket(4, first_response_seconds=60, spam=True),
    ]
    assert compute_metrics(tickets, []).avg_response_minutes == 17.5


def test_metrics_average_rounded_to_hundredths() -> None:
    tickets = [ticket(1, first_response_seconds=100)]
    assert compute_metrics(tickets, []).avg_response_minutes == 1.67


def test_metrics_negative_response_ignored() -> None:
    tickets = [
        ticket(1, first_response_seconds=-30),
        ticket(2, first_response_seconds=120),
    ]
    assert compute_metrics(tickets, []).avg_response_minutes == 2.0


def test_metrics_last_csat_by_scored_time() -> None:
    # Survey 1 was created last but answered first; survey 2 was answered last.
    surveys = [
        survey(
            1,
            1,
            score=5,
            created_at=T0 + timedelta(days=9),
            scored_at=T0 + timedelta(days=10),
        ),
        survey(
            2,
            2,
            score=2,
            created_at=T0 + timedelta(days=1),
            scored_at=T0 + timedelta(days=12),
        ),
    ]
    metrics = compute_metrics([ticket(1), ticket(2)], surveys)
    assert metrics.last_csat_score == 2
    assert metrics.last_csat_at == T0 + timedelta(days=12)


def test_metrics_csat_counts_scored_only() -> None:
    surveys = [
        survey(1, 1, score=4, scored_at=T0),
        survey(2, 2),
        survey(3, 3, score=1, scored_at=T0),
    ]
    assert compute_metrics([], surveys).csat_responses == 2


def test_metrics_csat_excludes_spam_ticket_surveys() -> None:
    tickets = [ticket(1), ticket(2, spam=True)]
    surveys = [
        survey(1, 1, score=4, scored_at=T0),
        survey(2, 2, score=1, scored_at=T0 + timedelta(days=1)),
    ]
    metrics = compute_metrics(tickets, surveys)
    assert metrics.csat_responses == 1
    assert metrics.last_csat_score == 4


def test_metrics_score_falls_back_to_sent() -> None:
    surveys = [
        survey(1, 1, score=3, sent_at=T0 + timedelta(days=20)),
        survey(2, 2, score=5, scored_at=T0 + timedelta(days=15)),
    ]
    assert compute_metrics([], surveys).last_csat_score == 3
