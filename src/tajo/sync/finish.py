"""The end of a run: draining the outbox, or reading back a dry run's plan."""

from __future__ import annotations

from collections.abc import Mapping

from tajo.clock import Clock
from tajo.store.sync_outbox import next_outbox_due, outbox_depth, pending_operations
from tajo.sync.brevo_setup import BrevoSetup
from tajo.sync.lease import SyncLease
from tajo.sync.progress import ProgressListener
from tajo.sync.report import DryRunPlan, RunTally
from tajo.sync.storage import Transactions
from tajo.sync.writer import CONTACT, EVENT, TRIGGER, OutboxWriter

# At the end of a run, rows retrying within this many seconds in total are
# waited for; later ones are left to the next run or to the workers.
FINAL_WAIT_SECONDS = 300.0
CLAIM = 5000


async def drain_all(
    writer: OutboxWriter,
    *,
    store: Transactions,
    connector_id: str,
    lease: SyncLease,
    tally: RunTally,
    clock: Clock,
    progress: ProgressListener,
) -> None:
    """Send everything due, renewing the lease between batches.

    Rows put back with a short backoff are waited for, up to
    FINAL_WAIT_SECONDS in all, so a run usually ends with an empty outbox.
    """
    with store.transaction(connector_id, read_only=True) as tx:
        queued = outbox_depth(tx)
    progress.on_stage("write", queued or None)
    budget = FINAL_WAIT_SECONDS
    while True:
        while True:
            report = await writer.drain(limit=CLAIM)
            tally.absorb(report)
            progress.on_advance("write", report.done)
            with store.transaction(connector_id) as tx:
                lease.renew_if_due(tx)
            if report.claimed == 0:
                break
        with store.transaction(connector_id, read_only=True) as tx:
            due = next_outbox_due(tx)
        if due is None:
            return
        wait = max((due - clock.now()).total_seconds(), 0.0)
        if wait > budget:
            return
        budget -= wait
        await clock.sleep(wait)


def dry_run_plan(
    store: Transactions,
    connector_id: str,
    *,
    since_id: int,
    setup: BrevoSetup,
    tally: RunTally,
) -> DryRunPlan:
    """Return the outbox rows a dry run queued (after `since_id`) as its plan."""
    with store.transaction(connector_id, read_only=True) as tx:
        operations = pending_operations(tx, since_id=since_id)
    by_kind: dict[str, list[Mapping[str, object]]] = {
        CONTACT: [],
        EVENT: [],
        TRIGGER: [],
    }
    for operation in operations:
        by_kind.setdefault(operation.kind, []).append(dict(operation.payload))
    return DryRunPlan(
        attributes_to_create=setup.created,
        contacts=tuple(by_kind[CONTACT]),
        events=tuple(by_kind[EVENT]),
        triggers=tuple(by_kind[TRIGGER]),
        historical=tuple(tally.historical),
    )
