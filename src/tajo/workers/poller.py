"""The poller: an incremental sync every few minutes, beside the workers.

Webhooks can be lost: Gorgias gives up on a delivery after a few tries and
deactivates an integration after many failures in a row, and it has no
trigger at all for customers or satisfaction surveys. The incremental sync
reads what changed since its watermarks, so each run back-fills whatever the
webhooks missed. The shared idempotency keys keep it from sending anything
twice. Every worker process may run a poller: the sync lease lets only one
sync per connector run at a time, and the others skip their turn.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from tajo.clock import Clock
from tajo.errors import LeaseHeldError
from tajo.store import Store, last_sync_run
from tajo.sync import SyncEngine, SyncReport
from tajo.workers.runner import EngineFactory, pause

logger = logging.getLogger(__name__)

DEFAULT_SYNC_EVERY_SECONDS = 900.0


def sync_due(
    store: Store, *, every: float, now: datetime, connector_id: str = "gorgias"
) -> bool:
    """Tell whether the last sync started `every` seconds ago or more (or never)."""
    with store.transaction(connector_id, read_only=True) as tx:
        last = last_sync_run(tx)
    if last is None:
        return True
    return (now - last.started_at).total_seconds() >= every


async def run_poller(
    *,
    store: Store,
    engine_factory: EngineFactory,
    clock: Clock,
    stop: asyncio.Event,
    every: float = DEFAULT_SYNC_EVERY_SECONDS,
    connector_id: str = "gorgias",
    check_interval: float | None = None,
) -> None:
    """Run an incremental sync whenever the last one is `every` seconds old.

    A sync held by another process (LeaseHeldError) is skipped, not waited
    for. Errors are logged and the next attempt waits for the next turn.
    """
    interval = check_interval if check_interval is not None else min(every, 60.0)
    async with engine_factory() as engine:
        while not stop.is_set():
            if sync_due(store, every=every, now=clock.now(), connector_id=connector_id):
                await _sync_once(engine)
            await pause(clock, interval, stop, None)


async def _sync_once(engine: SyncEngine) -> SyncReport | None:
    try:
        report = await engine.run(mode="incremental")
    except LeaseHeldError:
        logger.info("Skipped the incremental sync: another process has the lease")
        return None
    except Exception:
        logger.exception(
            "Incremental sync failed; the next one resumes from its watermarks"
        )
        return None
    logger.info(
        "Incremental sync done: events_sent=%d contacts_written=%d failures=%d",
        report.events_sent,
        report.contacts_written,
        report.failures,
    )
    return report
