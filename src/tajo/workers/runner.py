"""The worker loop: drain the inbox, then the Brevo outbox, until stopped.

Any number of workers, in one process or many, can share a store. Inbox
claims are per ticket and outbox claims per row, both with leases, so the
work of a crashed worker is taken over once its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from tajo.clock import Clock
from tajo.store import Store
from tajo.sync import DrainReport, SyncEngine
from tajo.webhooks.metrics import WebhookMetrics
from tajo.workers.inbox import (
    DEFAULT_BACKOFF,
    DEFAULT_MAX_ATTEMPTS,
    InboxPass,
    InboxSettings,
    OutcomeHook,
    process_inbox_once,
)

logger = logging.getLogger(__name__)

# Seconds to wait after an unexpected error before the next pass.
ERROR_PAUSE_SECONDS = 5.0

EngineFactory = Callable[[], AbstractAsyncContextManager[SyncEngine]]
"""Opens a sync engine, with its API clients, for the lifetime of one worker."""


@dataclass(frozen=True, slots=True)
class WorkerPass:
    """Outcome of one pass: the inbox part and the outbox drain."""

    inbox: InboxPass
    outbox: DrainReport

    @property
    def idle(self) -> bool:
        """True when the pass found nothing to do."""
        return self.inbox.deliveries == 0 and self.outbox.claimed == 0


def worker_name() -> str:
    """Return a name unique to this worker: host, process id and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def work_once(
    store: Store,
    engine: SyncEngine,
    settings: InboxSettings,
    *,
    clock: Clock,
    outbox_limit: int = 100,
    metrics: WebhookMetrics | None = None,
    on_outcome: OutcomeHook | None = None,
) -> WorkerPass:
    """Run one pass: process the due deliveries, then drain the outbox once.

    Processing a ticket already sends what it queued. The drain here sends
    what is due again after a Brevo failure, and work queued by other paths.
    """
    inbox = await process_inbox_once(
        store, engine, settings, clock=clock, metrics=metrics, on_outcome=on_outcome
    )
    outbox = await engine.drain_outbox(limit=outbox_limit)
    return WorkerPass(inbox=inbox, outbox=outbox)


async def run_worker(
    *,
    store: Store,
    engine_factory: EngineFactory,
    clock: Clock,
    stop: asyncio.Event,
    batch: int = 20,
    poll_interval: float = 1.0,
    connector_id: str = "gorgias",
    lease_seconds: float = 300.0,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    outbox_limit: int = 100,
    wake: asyncio.Event | None = None,
    metrics: WebhookMetrics | None = None,
    on_outcome: OutcomeHook | None = None,
    worker_id: str | None = None,
) -> None:
    """Process webhook deliveries and Brevo operations until `stop` is set.

    Args:
        store: the state store shared with the receivers and other workers.
        engine_factory: opens the sync engine once for this worker.
        clock: time source for waits and latency.
        stop: set it to finish the current pass and return.
        batch: tickets claimed per pass.
        poll_interval: seconds to wait when a pass found nothing to do.
        connector_id: the account whose inbox this worker drains.
        lease_seconds: how long a claim lasts; a worker that dies leaves its
            deliveries to others after this.
        max_attempts: failed attempts at a ticket before it goes to the
            failed-record ledger.
        outbox_limit: Brevo operations sent per pass.
        wake: set by an in-process receiver after each accepted delivery, to
            start the next pass at once instead of after `poll_interval`.
        metrics: where to record processing latency.
        on_outcome: called with each processed ticket's outcome.
        worker_id: the claim holder's name; unique per worker by default.
    """
    settings = InboxSettings(
        worker_id=worker_id or worker_name(),
        connector_id=connector_id,
        tickets=batch,
        lease_seconds=lease_seconds,
        max_attempts=max_attempts,
        backoff=DEFAULT_BACKOFF,
    )
    logger.info("Worker %s started", settings.worker_id)
    async with engine_factory() as engine:
        while not stop.is_set():
            try:
                result = await work_once(
                    store,
                    engine,
                    settings,
                    clock=clock,
                    outbox_limit=outbox_limit,
                    metrics=metrics,
                    on_outcome=on_outcome,
                )
            except Exception:
                logger.exception(
                    "Worker %s pass failed; next pass in %.0f s",
                    settings.worker_id,
                    ERROR_PAUSE_SECONDS,
                )
                await pause(clock, ERROR_PAUSE_SECONDS, stop, wake)
                continue
            if result.idle:
                await pause(clock, poll_interval, stop, wake)
    logger.info("Worker %s stopped", settings.worker_id)


async def pause(
    clock: Clock, seconds: float, stop: asyncio.Event, wake: asyncio.Event | None
) -> None:
    """Sleep `seconds` on `clock`, or less if `stop` or `wake` is set meanwhile."""
    waiters = [
        asyncio.ensure_future(clock.sleep(seconds)),
        asyncio.ensure_future(stop.wait()),
    ]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        for waiter in waiters:
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
        if wake is not None:
            wake.clear()
