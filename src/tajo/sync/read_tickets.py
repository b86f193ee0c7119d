"""Readers of ticket messages, tickets and satisfaction surveys.

Messages are read before tickets, across all tickets and newest first, so a
ticket stored in this run already carries its first-response time. Tickets
whose customer the store does not know fetch that customer first, so their
transitions can be planned for a contact. Surveys are re-read back to the
rescan window on every run, because Gorgias scores them days after creating
them and they have no update time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from tajo.errors import RecordError
from tajo.gorgias import SatisfactionSurvey, Ticket, TicketMessage
from tajo.gorgias.pagination import stop_after_cutoff
from tajo.mapping import SurveyFacts, TicketFacts
from tajo.store.sync_reads import (
    existing_ids,
    ticket_customers,
)
from tajo.store.sync_repo import (
    get_response_times,
    mark_dirty,
    save_response_times,
    set_first_response,
)
from tajo.sync.convert import survey_facts, ticket_facts
from tajo.sync.read_people import fetch_customers
from tajo.sync.reading import ReadContext, newest
from tajo.sync.record import Stored, store_surveys, store_tickets
from tajo.sync.responses import merge_messages, response_seconds

logger = logging.getLogger(__name__)


async def read_messages(ctx: ReadContext) -> None:
    """Read new messages and update each ticket's first-response time."""
    start = ctx.start("messages")
    scan = ctx.gorgias.message_pages(order_by="created_datetime:desc")
    if start is not None:
        scan = stop_after_cutoff(scan, key=_created, cutoff=start)
    latest = None
    async for page in ctx.pages("messages", scan):
        latest = newest(latest, (m.created_datetime for m in page.items))
        with ctx.tx() as tx:
            ctx.record_failures(tx, page.failed, record_type="message")
            ticket_ids = [m.ticket_id for m in page.items if m.ticket_id is not None]
            changed = merge_messages(get_response_times(tx, ticket_ids), page.items)
            save_response_times(tx, changed)
            seconds = {tid: response_seconds(times) for tid, times in changed.items()}
            customers = set_first_response(tx, seconds)
            mark_dirty(tx, customers)
            ctx.tally.upserted["messages"] += len(changed)
            ctx.page_done(tx)
    ctx.finish("messages", latest)


def _created(message: TicketMessage) -> datetime | None:
    return message.created_datetime


async def read_tickets(ctx: ReadContext) -> None:
    """Read new and changed tickets and keep their transitions."""
    start = ctx.start("tickets")
    if start is None:
        scan = ctx.gorgias.ticket_pages(order_by="updated_datetime:desc")
    else:
        scan = ctx.gorgias.updated_since("tickets", start, overlap=timedelta(0))
    latest = None
    async for page in ctx.pages("tickets", scan):
        latest = newest(latest, (t.updated_datetime for t in page.items))
        await store_ticket_page(ctx, page.items)
        if page.failed:
            with ctx.tx() as tx:
                ctx.record_failures(tx, page.failed, record_type="ticket")
    ctx.finish("tickets", latest)


async def store_ticket_page(ctx: ReadContext, tickets: list[Ticket]) -> Stored:
    """Store tickets, fetching the customers the store lacks first."""
    named = {t.customer.id for t in tickets if t.customer is not None}
    with ctx.tx(read_only=True) as tx:
        unknown = named - existing_ids(tx, "customers", named)
        times = get_response_times(tx, [t.id for t in tickets])
    if unknown:
        await fetch_customers(ctx, unknown)
    facts: list[TicketFacts] = []
    broken: dict[int, str] = {}
    for ticket in tickets:
        try:
            fact = ticket_facts(
                ticket, first_response_seconds=response_seconds(times.get(ticket.id))
            )
        except RecordError as exc:
            broken[ticket.id] = str(exc)
            continue
        facts.append(fact)
    with ctx.tx() as tx:
        for ticket_id, detail in broken.items():
            ctx.record_failure(
                tx, "ticket", ticket_id, reason="invalid_record", detail=detail
            )
        outcome = store_tickets(tx, facts)
        ctx.tally.upserted["tickets"] += outcome.upserted
        ctx.tally.skipped.update(outcome.skipped)
        ctx.page_done(tx)
    return outcome


async def read_surveys(ctx: ReadContext) -> set[int]:
    """Read surveys back to the rescan window; return the ids read."""
    start = ctx.start("surveys")
    if start is not None:
        rescan = ctx.store.clock.now() - timedelta(
            days=ctx.config.sync.survey_rescan_days
        )
        start = min(start, rescan)
    scan = ctx.gorgias.survey_pages(order_by="created_datetime:desc")
    if start is not None:
        scan = stop_after_cutoff(scan, key=_survey_created, cutoff=start)
    latest = None
    seen: set[int] = set()
    async for page in ctx.pages("surveys", scan):
        latest = newest(latest, (s.created_datetime for s in page.items))
        seen.update(s.id for s in page.items)
        store_survey_page(ctx, page.items)
        if page.failed:
            with ctx.tx() as tx:
                ctx.record_failures(tx, page.failed, record_type="survey")
    ctx.finish("surveys", latest)
    return seen


def _survey_created(survey: SatisfactionSurvey) -> datetime | None:
    return survey.created_datetime


def store_survey_page(ctx: ReadContext, surveys: list[SatisfactionSurvey]) -> Stored:
    """Store a page of surveys with their transitions."""
    with ctx.tx() as tx:
        owners = ticket_customers(
            tx, [s.ticket_id for s in surveys if s.ticket_id is not None]
        )
        facts: list[SurveyFacts] = []
        for survey in surveys:
            try:
                facts.append(
                    survey_facts(
                        survey, ticket_customer_id=owners.get(survey.ticket_id or -1)
                    )
                )
            except RecordError as exc:
                ctx.record_failure(
                    tx, "survey", survey.id, reason="invalid_record", detail=str(exc)
                )
        outcome = store_surveys(tx, facts)
        ctx.tally.upserted["surveys"] += outcome.upserted
        ctx.tally.skipped.update(outcome.skipped)
        ctx.page_done(tx)
    return outcome
