"""Generate satisfaction surveys and the event log of a generated account.

Surveys are created after a ticket closes, sent later and scored days after
that; some are still unsent or unscored. Events cover only the last 12
months, like the retention of the Gorgias events API.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tajo.sandbox.gorgias._gen_common import Gen
from tajo.sandbox.gorgias._gen_tickets import TicketHistory
from tajo.sandbox.gorgias._time import micros_of

Obj = dict[str, Any]

EVENT_RETENTION = timedelta(days=365)
FIRST_EVENT_ID = 1000
SCORES = (1, 2, 3, 4, 5)
SCORE_WEIGHTS = (6, 6, 12, 30, 46)
COMMENTS = (
    "Quick and helpful answer.",
    "Took too long.",
    "Great service!",
    "Still waiting for my refund.",
    "",
    "Thanks",
)


def make_surveys(
    gen: Gen, histories: list[TicketHistory], count: int
) -> tuple[list[Obj], dict[int, datetime]]:
    """Generate up to `count` surveys, at most one per closed ticket with a customer.

    Also returns when each scored survey was scored, keyed by survey id.
    """
    eligible = [
        h
        for h in histories
        if h.closed is not None
        and h.ticket["customer"] is not None
        and not h.ticket["spam"]
        and h.ticket["trashed_datetime"] is None
    ]
    chosen = gen.rng.sample(eligible, k=min(count, len(eligible)))
    chosen.sort(key=lambda h: h.ticket["id"])
    surveys = []
    scored_at: dict[int, datetime] = {}
    for index, history in enumerate(chosen):
        assert history.closed is not None
        fmt = gen.formatter()
        created = gen.after(history.closed, 60, 7200)
        should_send: datetime | None = created + timedelta(days=1)
        roll = gen.rng.random()
        sent = scored = None
        if roll < 0.06:
            should_send = None  # Gorgias will not send this one
        elif should_send is not None and should_send < gen.now:
            sent = gen.after(should_send, 0, 5)
            if roll >= 0.3:
                scored = gen.after(sent, 600, 5 * 86400)
                if scored >= gen.now:
                    scored = None
        score = gen.weighted(SCORES, SCORE_WEIGHTS) if scored else None
        survey_id = 1234 + index
        surveys.append(
            {
                "id": survey_id,
                "body_text": (gen.pick(COMMENTS) or None)
                if scored and gen.chance(0.4)
                else None,
                "created_datetime": fmt(created),
                "customer_id": history.ticket["customer"]["id"],
                "meta": {"externalData": {"id": survey_id}}
                if gen.chance(0.2)
                else None,
                "score": score,
                "scored_datetime": fmt(scored) if scored else None,
                "sent_datetime": fmt(sent) if sent else None,
                "should_send_datetime": (
                    should_send.strftime("%Y-%m-%dT%H:%M:%S+00:00")
                    if should_send
                    else None
                ),
                "ticket_id": history.ticket["id"],
                "uri": f"/api/satisfaction-surveys/{survey_id}/",
            }
        )
        history.ticket["satisfaction_survey"] = surveys[-1]
        if scored is not None:
            scored_at[survey_id] = scored
    return surveys, scored_at


class EventLog:
    """Collect events, then number them in time order."""

    def __init__(self, gen: Gen) -> None:
        self._gen = gen
        self._oldest = gen.now - EVENT_RETENTION
        self._pending: list[tuple[int, int, Obj]] = []

    def add(
        self,
        event_type: str,
        object_type: str,
        object_id: int,
        moment: datetime | None,
        *,
        user_id: int | None,
        context: str | None = None,
        data: Obj | None = None,
    ) -> None:
        """Record an event unless it is older than the retention window."""
        if moment is None or moment < self._oldest or moment > self._gen.now:
            return
        event = {
            "id": 0,
            "context": context or self._gen.uuid(),
            "created_datetime": self._gen.formatter()(moment),
            "data": data,
            "object_id": object_id,
            "object_type": object_type,
            "type": event_type,
            "uri": "",
            "user_id": user_id,
        }
        self._pending.append((micros_of(moment), len(self._pending), event))

    def events(self) -> list[Obj]:
        """Return the events sorted by time, with ids and uris assigned."""
        self._pending.sort(key=lambda item: (item[0], item[1]))
        events = []
        for offset, (_, _, event) in enumerate(self._pending):
            event["id"] = FIRST_EVENT_ID + offset
            event["uri"] = f"/api/events/{event['id']}/"
            events.append(event)
        return events


def add_ticket_events(
    gen: Gen, log: EventLog, history: TicketHistory, macro_ids: list[int], owner_id: int
) -> None:
    """Record the events of one ticket's life."""
    ticket_id = history.ticket["id"]
    log.add("ticket-created", "Ticket", ticket_id, history.created, user_id=None)
    if history.rule_id is not None:
        log.add(
            "rule-executed",
            "Ticket",
            ticket_id,
            history.created + timedelta(seconds=1),
            user_id=None,
        )
    agent = history.agent_id or owner_id
    if history.first_reply is not None and macro_ids and gen.chance(0.3):
        log.add(
            "macro-applied", "Ticket", ticket_id, history.first_reply, user_id=agent
        )
    if history.marked_spam is not None:
        log.add(
            "ticket-marked-spam",
            "Ticket",
            ticket_id,
            history.marked_spam,
            user_id=agent,
        )
    if history.closed is not None:
        context = gen.uuid()
        log.add(
            "ticket-updated",
            "Ticket",
            ticket_id,
            history.closed,
            user_id=agent,
            context=context,
        )
        log.add(
            "ticket-closed",
            "Ticket",
            ticket_id,
            history.closed,
            user_id=agent,
            context=context,
        )
    if history.reopened is not None:
        context = gen.uuid()
        log.add(
            "ticket-updated",
            "Ticket",
            ticket_id,
            history.reopened,
            user_id=None,
            context=context,
        )
        # NOTE: `ticket-reopened` is not a confirmed Gorgias event type.
        log.add(
            "ticket-reopened",
            "Ticket",
            ticket_id,
            history.reopened,
            user_id=None,
            context=context,
        )


def add_survey_events(
    log: EventLog, surveys: list[Obj], scored: dict[int, datetime]
) -> None:
    """Record `satisfaction-survey-responded` for scored surveys."""
    for survey in surveys:
        moment = scored.get(survey["id"])
        if moment is not None:
            log.add(
                "satisfaction-survey-responded",
                "SatisfactionSurvey",
                survey["id"],
                moment,
                user_id=None,
            )


def add_customer_events(
    gen: Gen,
    log: EventLog,
    customers: list[Obj],
    created: list[datetime],
    gaps: list[int],
) -> None:
    """Record customer-created events, and merges and deletions of vanished ids.

    `gaps` are customer ids not in the account: each became either the source
    of a merge into a remaining customer or a deleted customer.
    """
    for customer, moment in zip(customers, created, strict=True):
        log.add("customer-created", "Customer", customer["id"], moment, user_id=None)
    for gap in gaps:
        moment = gen.days_ago(gen.rng.uniform(0.1, 360))
        if customers and gen.chance(0.6):
            target = gen.pick(customers)["id"]
            log.add(
                "customer-merged",
                "Customer",
                target,
                moment,
                user_id=None,
                data={"source_id": gap, "target_id": target},
            )
        else:
            log.add("customer-deleted", "Customer", gap, moment, user_id=None)
