"""Reader of the Gorgias event log: automation activity, merges and deletions.

Events are the one list Gorgias filters by time on the server
(`created_datetime[gte]`). Macro applications and rule executions are
counted per macro or rule, once per event, and become transitions that
`event_mapping` may forward to Brevo. Merges and deletions mark the customer,
so its contact is planned again (and left alone from then on). A survey
answered after the survey scan's window is fetched again by id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from tajo.gorgias import Event
from tajo.mapping import automation_transition
from tajo.store import (
    Tx,
    get_customer_record,
    get_survey,
    mark_customer_deleted,
    mark_customer_merged,
    record_activity,
)
from tajo.store.sync_reads import ticket_customers
from tajo.store.sync_repo import (
    add_transitions,
    mark_dirty,
)
from tajo.sync.read_tickets import store_survey_page
from tajo.sync.reading import ReadContext, newest

logger = logging.getLogger(__name__)

AUTOMATION = {"macro-applied": "macro.applied", "rule-executed": "rule.executed"}
MERGED = "customer-merged"
DELETED = "customer-deleted"
SURVEY_ANSWERED = "satisfaction-survey-responded"
EVENT_TYPES = (*AUTOMATION, MERGED, DELETED, SURVEY_ANSWERED)


async def read_events(ctx: ReadContext, *, surveys_read: set[int]) -> None:
    """Read the event log since the watermark and act on each event once."""
    start = ctx.start("events")
    scan = ctx.gorgias.event_pages(
        since=start, types=EVENT_TYPES, order_by="created_datetime:asc"
    )
    latest = None
    refetch: set[int] = set()
    async for page in ctx.pages("events", scan):
        latest = newest(latest, (e.created_datetime for e in page.items))
        with ctx.tx() as tx:
            ctx.record_failures(tx, page.failed, record_type="event")
            owners = ticket_customers(
                tx,
                [e.object_id for e in page.items if e.object_id and _on_ticket(e)],
            )
            for event in page.items:
                if event.type in AUTOMATION:
                    _automation(ctx, tx, event, owners)
                elif event.type in (MERGED, DELETED):
                    _customer_fate(ctx, tx, event)
                elif _answered_elsewhere(tx, event, surveys_read):
                    refetch.add(event.object_id or 0)
            ctx.page_done(tx)
    if refetch:
        await refetch_surveys(ctx, refetch)
    ctx.finish("events", latest)


def _on_ticket(event: Event) -> bool:
    return (event.object_type or "").lower() == "ticket"


def _automation(
    ctx: ReadContext, tx: Tx, event: Event, owners: Mapping[int, int]
) -> None:
    when = event.created_datetime
    if when is None:
        ctx.record_failure(
            tx, "event", event.id, reason="invalid_record", detail="event without date"
        )
        return
    kind = AUTOMATION[event.type or ""]
    data = event.data or {}
    object_id = _int(data.get("macro_id") if kind == "macro.applied" else None)
    object_id = object_id or _int(data.get("rule_id")) or _automation_object(event)
    name = data.get("name") if isinstance(data.get("name"), str) else None
    if not record_activity(tx, event.id, kind, object_id or 0, name=name, at=when):
        return
    ctx.tally.upserted["automation"] += 1
    ticket_id = event.object_id if _on_ticket(event) else None
    customer_id = owners.get(ticket_id) if ticket_id is not None else None
    if customer_id is None or ctx.config.event_name(kind) is None:
        return
    transition = automation_transition(
        kind,
        event_id=event.id,
        occurred_at=when,
        name=name,
        ticket_id=ticket_id,
        customer_id=customer_id,
    )
    add_transitions(tx, [transition])
    mark_dirty(tx, [customer_id])


def _automation_object(event: Event) -> int | None:
    if (event.object_type or "").lower() in ("macro", "rule"):
        return event.object_id
    return None


def _customer_fate(ctx: ReadContext, tx: Tx, event: Event) -> None:
    data = event.data or {}
    when = event.created_datetime or tx.now()
    if event.type == MERGED:
        source = _int(data.get("source_id"))
        target = _int(data.get("target_id")) or event.object_id
    else:
        source, target = event.object_id, None
    if source is None:
        ctx.tally.skip("customer_event_without_id")
        return
    record = get_customer_record(tx, source)
    if record is None:
        ctx.tally.skip("customer_event_unknown_customer")
        return
    if record.deleted_at is not None:
        return
    if target is not None:
        mark_customer_merged(tx, source, target, at=when)
        ctx.tally.upserted["customers_merged"] += 1
        mark_dirty(tx, [source, target])
    else:
        mark_customer_deleted(tx, source, at=when)
        ctx.tally.upserted["customers_deleted"] += 1
        mark_dirty(tx, [source])


def _answered_elsewhere(tx: Tx, event: Event, surveys_read: set[int]) -> bool:
    # A survey answered outside the survey scan's window, and not yet stored
    # with a score, is fetched by id.
    if event.type != SURVEY_ANSWERED or event.object_id is None:
        return False
    if event.object_id in surveys_read:
        return False
    stored = get_survey(tx, event.object_id)
    return stored is None or stored.score is None


async def refetch_surveys(ctx: ReadContext, survey_ids: set[int]) -> None:
    """Fetch surveys by id and store them; a 404 is counted, not raised."""
    results = await ctx.fetch_each(survey_ids, ctx.gorgias.get_survey)
    found = ctx.keep_fetched(
        results, record_type="survey", missing_reason="survey_missing"
    )
    if found:
        store_survey_page(ctx, found)


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
