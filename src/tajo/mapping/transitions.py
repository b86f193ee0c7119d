"""Transitions: what changed between the stored and the fresh copy of a record.

Each real change yields one Transition with an idempotency key built from the
record id, the kind and the source timestamp. The webhook path and the poller
compute the same key for the same change, so the event ledger lets only one
of them send it.

Rules worth knowing:
- A payload older than the stored copy (`updated_at` earlier) yields nothing,
  so out-of-order deliveries never move state backwards.
- Spam and trashed tickets yield nothing. A ticket that leaves spam or trash
  is treated as first seen, because none of its events were sent.
- A ticket first seen already closed yields `ticket.created` and
  `ticket.closed`, each at its own time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from tajo.datetimes import format_datetime
from tajo.mapping.facts import CustomerFacts, SurveyFacts, TicketFacts
from tajo.mapping.metrics import counts, scored_at

PropertyValue = str | int | float | bool | list[str]
"""An event property value; Brevo accepts no null, so unknown values are left out."""


def _no_properties() -> Mapping[str, PropertyValue]:
    # A factory, because dataclasses before Python 3.12 reject a mappingproxy
    # as a field default.
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """One change of a Gorgias record, named by an `event_mapping` key."""

    kind: str
    occurred_at: datetime
    # The id the idempotency key is built from: ticket, survey, customer or
    # Gorgias event id, depending on the kind.
    object_id: int
    customer_id: int | None
    ticket_id: int | None = None
    survey_id: int | None = None
    properties: Mapping[str, PropertyValue] = field(default_factory=_no_properties)

    @property
    def idempotency_key(self) -> str:
        """A stable key: kind, object id and source time in canonical form.

        For example `ticket.closed:901234:2026-08-12T10:05:00.000000+00:00`.
        """
        return f"{self.kind}:{self.object_id}:{format_datetime(self.occurred_at)}"


def ticket_transitions(old: TicketFacts | None, new: TicketFacts) -> list[Transition]:
    """Return the transitions between the stored ticket `old` and the fresh `new`.

    New ticket: `ticket.created` at its creation time. Open to closed:
    `ticket.closed` at `closed_at` (or `updated_at` when Gorgias gives no
    close time). Closed to open: `ticket.reopened` at `updated_at`.
    """
    if not counts(new):
        return []
    if old is not None and new.updated_at < old.updated_at:
        return []
    if old is None or not counts(old):
        transitions = [_ticket(new, "ticket.created", new.created_at)]
        if _closed(new):
            transitions.append(_ticket(new, "ticket.closed", _closed_time(new)))
        return transitions
    if not _closed(old) and _closed(new):
        return [_ticket(new, "ticket.closed", _closed_time(new))]
    if _closed(old) and not _closed(new):
        return [_ticket(new, "ticket.reopened", new.updated_at)]
    return []


def survey_transitions(old: SurveyFacts | None, new: SurveyFacts) -> list[Transition]:
    """Return the transitions between the stored survey `old` and the fresh `new`.

    `satisfaction_survey.created` when the survey is sent (first seen sent, or
    newly sent). `satisfaction_survey.responded` when it gets a score, however
    long after its creation: surveys have no `updated_at` and are scored days
    later, so a survey created before the last sync and scored after it still
    yields `responded`. A later response that replaces the score yields another
    `responded`. A copy that lost its send time or score is stale and yields
    nothing for that part.
    """
    transitions: list[Transition] = []
    if new.sent_at is not None and (old is None or old.sent_at is None):
        transitions.append(_survey(new, "satisfaction_survey.created", new.sent_at))
    new_scored = scored_at(new)
    old_scored = scored_at(old) if old is not None else None
    if new_scored is not None and (old_scored is None or new_scored > old_scored):
        transitions.append(_survey(new, "satisfaction_survey.responded", new_scored))
    return transitions


def customer_transitions(
    old: CustomerFacts | None, new: CustomerFacts
) -> list[Transition]:
    """Return `customer.created` when a customer is first seen.

    It is dated at the customer's creation time, else at `updated_at`. A
    customer with neither yields nothing, because an undated event could not
    be placed on the timeline or filtered by the backfill window.
    """
    if old is not None:
        return []
    when = new.created_at or new.updated_at
    if when is None:
        return []
    properties: dict[str, PropertyValue] = {
        "customer_id": new.id,
        "created_at": format_datetime(when),
    }
    return [
        Transition(
            kind="customer.created",
            occurred_at=when,
            object_id=new.id,
            customer_id=new.id,
            properties=MappingProxyType(properties),
        )
    ]


def automation_transition(
    kind: str,
    *,
    event_id: int,
    occurred_at: datetime,
    name: str | None = None,
    ticket_id: int | None = None,
    customer_id: int | None = None,
) -> Transition:
    """Return the transition of a Gorgias `macro-applied` or `rule-executed` event.

    `kind` is `macro.applied` or `rule.executed`. The key uses the Gorgias event
    id, which is unique per application or execution.
    """
    properties: dict[str, PropertyValue] = {"gorgias_event_id": event_id}
    if name:
        properties["name"] = name
    if ticket_id is not None:
        properties["ticket_id"] = ticket_id
    return Transition(
        kind=kind,
        occurred_at=occurred_at,
        object_id=event_id,
        customer_id=customer_id,
        ticket_id=ticket_id,
        properties=MappingProxyType(properties),
    )


def _closed(ticket: TicketFacts) -> bool:
    return ticket.status == "closed"


def _closed_time(ticket: TicketFacts) -> datetime:
    return ticket.closed_at or ticket.updated_at


def resolution_minutes(ticket: TicketFacts) -> float | None:
    """Return minutes from creation to close of a closed ticket, else None."""
    if not _closed(ticket):
        return None
    seconds = (_closed_time(ticket) - ticket.created_at).total_seconds()
    return round(max(seconds, 0.0) / 60, 2)


def _ticket(ticket: TicketFacts, kind: str, when: datetime) -> Transition:
    properties: dict[str, PropertyValue] = {
        "ticket_id": ticket.id,
        "status": ticket.status,
        "opened_at": format_datetime(ticket.created_at),
    }
    optional: dict[str, PropertyValue | None] = {
        "subject": ticket.subject,
        "channel": ticket.channel,
        "agent_name": ticket.assignee_name,
        "tags": list(ticket.tags) if ticket.tags else None,
    }
    if kind == "ticket.closed":
        optional["closed_at"] = format_datetime(when)
        optional["resolution_minutes"] = resolution_minutes(ticket)
    if ticket.first_response_seconds is not None:
        optional["first_response_minutes"] = round(
            ticket.first_response_seconds / 60, 2
        )
    properties.update({k: v for k, v in optional.items() if v is not None})
    return Transition(
        kind=kind,
        occurred_at=when,
        object_id=ticket.id,
        customer_id=ticket.customer_id,
        ticket_id=ticket.id,
        properties=MappingProxyType(properties),
    )


def _survey(survey: SurveyFacts, kind: str, when: datetime) -> Transition:
    properties: dict[str, PropertyValue] = {
        "survey_id": survey.id,
        "ticket_id": survey.ticket_id,
    }
    if survey.sent_at is not None:
        properties["sent_at"] = format_datetime(survey.sent_at)
    if kind == "satisfaction_survey.responded":
        if survey.score is not None:
            properties["score"] = survey.score
        if survey.body_text:
            properties["comment"] = survey.body_text
        properties["scored_at"] = format_datetime(when)
    return Transition(
        kind=kind,
        occurred_at=when,
        object_id=survey.id,
        customer_id=survey.customer_id,
        ticket_id=survey.ticket_id,
        survey_id=survey.id,
        properties=MappingProxyType(properties),
    )
