"""The per-ticket path (webhooks, workers) and the replay of failed records.

Both reuse the sync's storing, planning and writing functions on a small
scale, so their idempotency keys and their contacts are the ones a sync
would produce.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from tajo.errors import NotFoundError, RecordError
from tajo.gorgias import SatisfactionSurvey
from tajo.store import (
    ContactLink,
    FailedRecord,
    Tx,
    get_contact_link,
    get_failed_record,
    list_failed_records,
    mark_replayed,
    requeue_failed_outbox,
    save_contact_link,
    set_event_state,
)
from tajo.store.sync_reads import existing_ids, mark_ticket_deleted
from tajo.store.sync_repo import (
    get_response_times,
    mark_dirty,
    save_response_times,
    set_first_response,
)
from tajo.sync.planner import ContactPlanner
from tajo.sync.read_events import refetch_surveys
from tajo.sync.read_people import fetch_customers, read_custom_field_types
from tajo.sync.read_tickets import store_survey_page, store_ticket_page
from tajo.sync.reading import ReadContext, ReadScope
from tajo.sync.record import Stored
from tajo.sync.report import DrainReport, ReplayReport, RunTally, TicketOutcome
from tajo.sync.responses import merge_messages, response_seconds

if TYPE_CHECKING:
    from tajo.sync.engine import SyncEngine

logger = logging.getLogger(__name__)


def _context(engine: SyncEngine, tally: RunTally) -> ReadContext:
    return ReadContext(
        store=engine.store,
        connector_id=engine.connector_id,
        gorgias=engine.gorgias,
        config=engine.config.gorgias,
        tally=tally,
        progress=engine.progress,
        scope=ReadScope(full=False, since=None, overlap=timedelta(0)),
        on_page=lambda tx: None,
    )


async def custom_field_types(engine: SyncEngine) -> Mapping[str, str]:
    """Read the customer custom field types for the attribute catalogue."""
    return await read_custom_field_types(_context(engine, RunTally()))


async def process_ticket(
    engine: SyncEngine, ticket_id: int, *, source: str
) -> TicketOutcome:
    """Re-fetch, store, plan and send one ticket's change; see the engine."""
    tally = RunTally()
    ctx = _context(engine, tally)
    ctx.request()
    try:
        ticket = await engine.gorgias.get_ticket(ticket_id)
    except NotFoundError:
        with ctx.tx() as tx:
            known = bool(existing_ids(tx, "tickets", [ticket_id]))
            customer_id = mark_ticket_deleted(tx, ticket_id)
            if customer_id is not None:
                mark_dirty(tx, [customer_id])
        drain = await _plan_and_send(
            engine, tally, [customer_id] if customer_id else []
        )
        # A 404 for a ticket the store never held is a wrong or unknown id,
        # not a deletion.
        missing: Literal["deleted", "not_found"] = "deleted" if known else "not_found"
        return TicketOutcome(
            ticket_id=ticket_id, source=source, status=missing, drain=drain
        )
    except RecordError as exc:
        with ctx.tx() as tx:
            ctx.record_failure(
                tx, "ticket", ticket_id, reason="invalid_record", detail=str(exc)
            )
        return TicketOutcome(ticket_id=ticket_id, source=source, status="failed")

    if ticket.messages:
        with ctx.tx() as tx:
            changed = merge_messages(
                get_response_times(tx, [ticket_id]), ticket.messages
            )
            save_response_times(tx, changed)
            seconds = {tid: response_seconds(times) for tid, times in changed.items()}
            mark_dirty(tx, set_first_response(tx, seconds))
    outcome = await store_ticket_page(ctx, [ticket])
    survey = ticket.satisfaction_survey
    if survey is not None:
        outcome.add(store_survey_page(ctx, [_with_ticket(survey, ticket_id)]))
    customers = set(outcome.dirty)
    if ticket.customer is not None:
        customers.add(ticket.customer.id)
    drain = await _plan_and_send(engine, tally, customers)
    status: Literal["updated", "unchanged", "failed"] = "unchanged"
    if outcome.upserted:
        status = "updated"
    elif tally.failed_ids:
        status = "failed"
    return TicketOutcome(
        ticket_id=ticket_id,
        source=source,
        status=status,
        transitions=tuple(t.kind for t in outcome.transitions),
        events_queued=sum(
            1 for t in outcome.transitions if engine.config.gorgias.event_name(t.kind)
        ),
        drain=drain,
    )


def _with_ticket(survey: SatisfactionSurvey, ticket_id: int) -> SatisfactionSurvey:
    # A survey embedded in its ticket may leave out the ticket id.
    if survey.ticket_id is not None:
        return survey
    return survey.model_copy(update={"ticket_id": ticket_id})


async def _plan_and_send(
    engine: SyncEngine, tally: RunTally, customer_ids: Sequence[int] | set[int]
) -> DrainReport:
    if customer_ids:
        planner = ContactPlanner(
            store=engine.store,
            connector_id=engine.connector_id,
            config=engine.config.gorgias,
            catalogue=await engine.catalogue(),
            now=engine.clock.now(),
            first_sync_at=await engine.first_sync_at(),
            tally=tally,
        )
        planner.plan_customers(customer_ids)
    return await engine.drain_outbox()


async def replay(engine: SyncEngine, ids: Sequence[int] | None) -> ReplayReport:
    """Replay ledger entries; see `SyncEngine.replay_failed`."""
    with engine.store.transaction(engine.connector_id, read_only=True) as tx:
        entries = _entries(tx, ids)
    tally = RunTally()
    ctx = _context(engine, tally)
    requeued = refetched = 0
    resolved: list[int] = []
    failing: list[int] = []
    skipped: list[int] = []
    replan: set[int] = set()
    # Re-reading a ticket sends its writes at once; they count too.
    drain = DrainReport()
    for entry in entries:
        payload = entry.payload if isinstance(entry.payload, dict) else {}
        if not replayable(entry):
            skipped.append(entry.id)
        elif entry.source == "writer" and "outbox_id" in payload:
            with ctx.tx() as tx:
                count = requeue_failed_outbox(tx, [int(payload["outbox_id"])])
                _reset_key(tx, entry)
                mark_replayed(tx, entry.id, resolved=count > 0)
            requeued += count
            (resolved if count else failing).append(entry.id)
        elif entry.source == "writer" and payload.get("customer_id") is not None:
            customer_id = int(payload["customer_id"])
            with ctx.tx() as tx:
                _forget_push(tx, customer_id)
                mark_replayed(tx, entry.id, resolved=True)
            replan.add(customer_id)
            resolved.append(entry.id)
        elif entry.source == "sync":
            refetched += 1
            stored, sent = await _refetch(engine, ctx, entry)
            drain = drain.plus(sent)
            replan |= stored.dirty
            ok = entry.id not in tally.failed_ids
            with ctx.tx() as tx:
                mark_replayed(tx, entry.id, resolved=ok)
            (resolved if ok else failing).append(entry.id)
        else:
            failing.append(entry.id)
    drain = drain.plus(await _plan_and_send(engine, tally, replan))
    return ReplayReport(
        requeued=requeued,
        refetched=refetched,
        resolved=tuple(resolved),
        still_failing=tuple(failing),
        not_replayable=tuple(skipped),
        drain=drain,
    )


def replayable(entry: FailedRecord) -> bool:
    """Tell whether a replay can do anything for a ledger entry.

    Webhook entries are deliveries the receiver rejected (bad JSON, no
    ticket id, too large) or handlers that raised: the delivery body is not
    kept whole and a handler is never called twice, so there is nothing to
    run again. They are closed with `dismiss_failed_records` instead.
    """
    return entry.source != "webhook"


def _entries(tx: Tx, ids: Sequence[int] | None) -> list[FailedRecord]:
    if ids is None:
        return list(reversed(list_failed_records(tx, limit=10_000)))
    found = [get_failed_record(tx, entry_id) for entry_id in ids]
    return [entry for entry in found if entry is not None and not entry.resolved]


def _reset_key(tx: Tx, entry: FailedRecord) -> None:
    key = entry.payload.get("key") if isinstance(entry.payload, dict) else None
    if isinstance(key, str):
        set_event_state(tx, key, "planned")


def _forget_push(tx: Tx, customer_id: int) -> None:
    # Without its digest the contact counts as changed, so it is written again.
    link = get_contact_link(tx, customer_id)
    if link is not None:
        save_contact_link(
            tx,
            ContactLink(
                customer_id=link.customer_id,
                email=link.email,
                sms=link.sms,
                ext_id=link.ext_id,
                brevo_contact_id=link.brevo_contact_id,
                last_pushed_attributes=link.last_pushed_attributes,
                last_pushed_hash=None,
                list_ids=link.list_ids,
                pushed_at=link.pushed_at,
            ),
        )
    mark_dirty(tx, [customer_id])


async def _refetch(
    engine: SyncEngine, ctx: ReadContext, entry: FailedRecord
) -> tuple[Stored, DrainReport]:
    try:
        record_id = int(entry.record_id)
    except ValueError:
        ctx.tally.fail(entry.id)
        return Stored(), DrainReport()
    if entry.record_type == "customer":
        return await fetch_customers(ctx, [record_id]), DrainReport()
    if entry.record_type == "survey":
        await refetch_surveys(ctx, {record_id})
        return Stored(), DrainReport()
    if entry.record_type == "ticket":
        outcome = await process_ticket(engine, record_id, source="replay")
        if outcome.status == "failed":
            ctx.tally.fail(entry.id)
        return Stored(), outcome.drain
    ctx.tally.fail(entry.id)
    return Stored(), DrainReport()
