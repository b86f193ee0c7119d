"""Satisfaction survey changes: send a survey, record the customer's answer.

A ticket has at most one survey. Surveys have no `updated_datetime`: a score
shows only as `score` and `scored_datetime`, which is why clients re-read
unscored surveys.
"""

from __future__ import annotations

from tajo.sandbox.gorgias._context import MutationContext, new_context_id
from tajo.sandbox.gorgias._errors import Conflict, InvalidRequest, NotFound
from tajo.sandbox.gorgias._store import Obj
from tajo.sandbox.gorgias._tickets import ticket_or_404

MAX_BODY_TEXT = 1000


def send_survey(ctx: MutationContext, ticket_id: int, *, sent: bool = True) -> Obj:
    """Create the ticket's survey, sent now or only scheduled (`sent=False`).

    Raises:
        NotFound: unknown or deleted ticket.
        InvalidRequest: the ticket has no customer.
        Conflict: the ticket already has a survey.
    """
    ticket = ticket_or_404(ctx, ticket_id)
    customer = ticket.get("customer")
    if not isinstance(customer, dict):
        raise InvalidRequest(
            "Failed to create satisfaction survey",
            {"ticket_id": ["The ticket has no customer to survey."]},
        )
    if ctx.store.ticket_survey(ticket_id) is not None:
        raise Conflict(
            {"ticket_id": ["This ticket already has a satisfaction survey."]}
        )
    now = ctx.stamp()
    survey_id = ctx.store.next_id("satisfaction-surveys")
    survey: Obj = {
        "id": survey_id,
        "body_text": None,
        "created_datetime": now,
        "customer_id": customer.get("id"),
        "meta": None,
        "score": None,
        "scored_datetime": None,
        "sent_datetime": now if sent else None,
        "should_send_datetime": now,
        "ticket_id": ticket_id,
        "uri": f"/api/satisfaction-surveys/{survey_id}/",
    }
    ctx.store.put("satisfaction-surveys", survey)
    return survey


def find_survey(ctx: MutationContext, survey_or_ticket_id: int) -> Obj:
    """Return a survey by its id, or else by the id of its ticket.

    Raises:
        NotFound: no survey has this id and no ticket with this id has one.
    """
    survey = ctx.store.get("satisfaction-surveys", survey_or_ticket_id)
    if survey is None:
        survey = ctx.store.ticket_survey(survey_or_ticket_id)
    if survey is None:
        raise NotFound(f"survey_or_ticket_id={survey_or_ticket_id}")
    return survey


def answer_survey(
    ctx: MutationContext, survey_or_ticket_id: int, score: int, *, body_text: str | None
) -> Obj:
    """Record a customer's score (1 to 5) and optional comment.

    Raises:
        NotFound: no such survey.
        InvalidRequest: the score is outside 1 to 5 or the comment is too long.
    """
    survey = find_survey(ctx, survey_or_ticket_id)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidRequest(
            "Failed to update satisfaction survey",
            {"score": [f"Expected an integer from 1 to 5; got {score!r}."]},
        )
    if body_text is not None and len(body_text) > MAX_BODY_TEXT:
        raise InvalidRequest(
            "Failed to update satisfaction survey",
            {"body_text": [f"Longer than {MAX_BODY_TEXT} characters."]},
        )
    now = ctx.stamp()
    if survey.get("sent_datetime") is None:
        survey["sent_datetime"] = now
    survey["score"] = score
    survey["body_text"] = body_text
    survey["scored_datetime"] = now
    ctx.store.touch("satisfaction-surveys")
    ctx.record_event(
        "satisfaction-survey-responded",
        "SatisfactionSurvey",
        survey["id"],
        user_id=None,
        context=new_context_id(),
    )
    return survey
