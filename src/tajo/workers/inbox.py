"""One pass over the inbox: claim deliveries, process each ticket once, finish.

Deliveries of one ticket are claimed together and coalesced: however many
Gorgias sent (retries, several triggers for one save), the ticket is
re-fetched and diffed once. The re-fetch, not the delivery body, decides what
changed, so a stale or out-of-order delivery cannot move state backwards, and
the idempotency keys shared with the sync make a repeated change a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final

from tajo.clock import Clock
from tajo.errors import ApiError, NotFoundError, RecordError, StoreError
from tajo.http.retry import Backoff
from tajo.redact import redact_text
from tajo.store import (
    InboxItem,
    Store,
    add_failed_record,
    complete_inbox,
    fail_inbox,
    retry_inbox,
)
from tajo.store.inbox_repo import claim_ticket_deliveries
from tajo.sync import SyncEngine, TicketOutcome
from tajo.webhooks.metrics import WebhookMetrics

logger = logging.getLogger(__name__)

# A ticket whose re-fetch failed this many times goes to the failed-record
# ledger. Brevo and store outages do not count: they are not the ticket's
# fault, and the ticket is retried until they end.
DEFAULT_MAX_ATTEMPTS = 10
# Up to 5 s after the first failure, doubling, never more than 15 minutes.
DEFAULT_BACKOFF = Backoff(
    max_attempts=DEFAULT_MAX_ATTEMPTS, base_seconds=5.0, cap_seconds=900.0
)
SOURCE: Final = "webhook"


OutcomeHook = Callable[[TicketOutcome], Awaitable[object]]
"""Called after a ticket's effects are queued, such as the library's handlers."""


@dataclass(frozen=True, slots=True)
class InboxPass:
    """Counts of one pass over the inbox."""

    tickets: int = 0
    deliveries: int = 0
    # Tickets put back for a later attempt, and tickets given up on.
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class InboxSettings:
    """Claim and retry settings of one worker."""

    worker_id: str
    connector_id: str = "gorgias"
    # Tickets claimed per pass.
    tickets: int = 20
    lease_seconds: float = 300.0
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff: Backoff = DEFAULT_BACKOFF


async def process_inbox_once(
    store: Store,
    engine: SyncEngine,
    settings: InboxSettings,
    *,
    clock: Clock,
    metrics: WebhookMetrics | None = None,
    on_outcome: OutcomeHook | None = None,
) -> InboxPass:
    """Claim due deliveries, process each ticket once, and record the outcome.

    A ticket whose processing fails with a retryable error (Gorgias 5xx, 429
    after its retries, a timeout, a store error) is put back with backoff. A
    ticket that cannot be processed at all (an unparsable record), or that
    failed `max_attempts` times, goes to the failed-record ledger, from which
    `tajo connectors replay` (`SyncEngine.replay_failed`) reads it again. A
    ticket the engine itself could not read is in the ledger already, so its
    deliveries are done.
    """
    with store.transaction(settings.connector_id) as tx:
        claimed = claim_ticket_deliveries(
            tx,
            settings.worker_id,
            tickets=settings.tickets,
            lease_seconds=settings.lease_seconds,
        )
    if not claimed:
        return InboxPass()
    retried = failed = 0
    for ticket_id, items in _by_ticket(claimed).items():
        outcome = await _process_ticket(
            store, engine, settings, ticket_id, items, on_outcome
        )
        if outcome == "retried":
            retried += 1
        elif outcome == "failed":
            failed += 1
        elif metrics is not None:
            now = clock.now()
            for item in items:
                seconds = (now - item.received_at).total_seconds()
                metrics.processing_seconds.observe(max(seconds, 0.0))
    tickets = len({item.ticket_id for item in claimed})
    logger.info(
        "Processed webhook deliveries: deliveries=%d tickets=%d retried=%d failed=%d",
        len(claimed),
        tickets,
        retried,
        failed,
    )
    return InboxPass(
        tickets=tickets, deliveries=len(claimed), retried=retried, failed=failed
    )


def _by_ticket(items: Sequence[InboxItem]) -> dict[int, list[InboxItem]]:
    grouped: dict[int, list[InboxItem]] = {}
    for item in items:
        if item.ticket_id is not None:
            grouped.setdefault(item.ticket_id, []).append(item)
    return grouped


async def _process_ticket(
    store: Store,
    engine: SyncEngine,
    settings: InboxSettings,
    ticket_id: int,
    items: list[InboxItem],
    on_outcome: OutcomeHook | None,
) -> str:
    ids = [item.id for item in items]
    try:
        outcome = await engine.process_ticket_change(ticket_id, source=SOURCE)
        if on_outcome is not None:
            await on_outcome(outcome)
    except NotFoundError:
        # Deleted or merged away since the delivery; the poller records it.
        logger.info("Ticket %d is gone from Gorgias; deliveries done", ticket_id)
    except RecordError as exc:
        _give_up(store, settings, ticket_id, ids, reason="unprocessable", error=exc)
        return "failed"
    except Exception as exc:
        # Anything else may pass on a later attempt: Gorgias, Brevo or the
        # store being down, a revoked key being replaced, a bug being fixed.
        attempts = max(item.attempts for item in items)
        if attempts >= settings.max_attempts and _ticket_at_fault(exc):
            _give_up(
                store, settings, ticket_id, ids, reason="too_many_attempts", error=exc
            )
            return "failed"
        _retry(store, settings, ticket_id, ids, attempts=attempts, error=exc)
        return "retried"
    with store.transaction(settings.connector_id) as tx:
        complete_inbox(tx, settings.worker_id, ids)
    return "done"


def _retry(
    store: Store,
    settings: InboxSettings,
    ticket_id: int,
    ids: list[int],
    *,
    attempts: int,
    error: Exception,
) -> None:
    delay = settings.backoff.delay(attempts)
    message = _describe(error)
    logger.warning(
        "Processing ticket %d failed (attempt %d of %d); retrying in %.1f s: %s",
        ticket_id,
        attempts,
        settings.max_attempts,
        delay,
        message,
    )
    with store.transaction(settings.connector_id) as tx:
        for item_id in ids:
            retry_inbox(
                tx, settings.worker_id, item_id, error=message, delay_seconds=delay
            )


def _give_up(
    store: Store,
    settings: InboxSettings,
    ticket_id: int,
    ids: list[int],
    *,
    reason: str,
    error: Exception,
) -> None:
    message = _describe(error)
    logger.error(
        "Gave up on ticket %d after webhook deliveries %s: %s; replay it from the "
        "failed-record ledger",
        ticket_id,
        ids,
        message,
    )
    with store.transaction(settings.connector_id) as tx:
        fail_inbox(tx, settings.worker_id, ids, error=message)
        # Recorded as the sync records a ticket it could not read, so the
        # replay command reads it again the same way.
        add_failed_record(
            tx,
            "sync",
            "ticket",
            ticket_id,
            reason=reason,
            detail=message,
            payload={
                "record_type": "ticket",
                "record_id": ticket_id,
                "delivery_ids": ids,
            },
        )


def _ticket_at_fault(error: Exception) -> bool:
    if isinstance(error, StoreError):
        return False
    return not (isinstance(error, ApiError) and error.service == "brevo")


def _describe(error: Exception) -> str:
    return redact_text(f"{type(error).__name__}: {error}", limit=500)
