"""`SyncEngine`: the Gorgias → Brevo job, in bulk and for one ticket at a time.

A run takes the connector's sync lease, reads Gorgias resource by resource
(each page committed with its transitions), plans every customer the reads
touched, and drains the outbox to Brevo. The real-time path
(`process_ticket_change`) stores and plans through the same functions, so the
poller and the webhooks compute the same idempotency keys and neither can
send an event twice.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal, TypedDict

from tajo.brevo import AttributeCatalogue, BrevoClient
from tajo.clock import Clock
from tajo.config import TajoConfig
from tajo.errors import ConfigError
from tajo.gorgias import GorgiasClient
from tajo.store import (
    Store,
    Tx,
    finish_sync_run,
    get_watermark,
    interrupt_running_runs,
    last_sync_run,
    set_watermark,
    start_sync_run,
    update_sync_run,
)
from tajo.store.sync_outbox import (
    last_outbox_id,
    outbox_depth,
)
from tajo.store.sync_repo import count_dirty
from tajo.sync import realtime
from tajo.sync.brevo_setup import BrevoSetup, prepare_brevo
from tajo.sync.finish import drain_all, dry_run_plan
from tajo.sync.lease import SyncLease, release_dead_claims, worker_name
from tajo.sync.planner import ContactPlanner
from tajo.sync.progress import NoProgress, ProgressListener
from tajo.sync.read_events import read_events
from tajo.sync.read_people import (
    read_custom_field_types,
    read_customers,
    read_tags,
    read_users,
)
from tajo.sync.read_tickets import read_messages, read_surveys, read_tickets
from tajo.sync.reading import ReadContext, ReadScope
from tajo.sync.report import (
    DrainReport,
    ReplayReport,
    RunTally,
    SyncMode,
    SyncReport,
    TicketOutcome,
)
from tajo.sync.resources import chosen_resources
from tajo.sync.storage import RollbackStore, Transactions
from tajo.sync.writer import OutboxWriter

logger = logging.getLogger(__name__)

FIRST_SYNC = "first_sync_at"


class _RunTotals(TypedDict, total=False):
    counts: dict[str, int]
    skips: dict[str, int]
    failures: int
    throttled_seconds: float
    gorgias_requests: int
    brevo_requests: int
    pending: dict[str, int]


class SyncEngine:
    """Syncs one Gorgias account to Brevo; see the module docstring.

    Args:
        config: the whole `tajo.yaml`; the Gorgias section drives the sync.
        store: the state store.
        gorgias: the account's paced client (shared with any other reader).
        brevo: the Brevo client.
        clock: time source; tests pass a FakeClock.
        connector_id: the store key of this account.
        progress: receives stages, advances, throttling and estimates.
        lease_seconds: how long the sync lease lasts between renewals.
    """

    def __init__(
        self,
        *,
        config: TajoConfig,
        store: Store,
        gorgias: GorgiasClient,
        brevo: BrevoClient,
        clock: Clock,
        connector_id: str = "gorgias",
        progress: ProgressListener | None = None,
        lease_seconds: float = 300.0,
    ) -> None:
        self.config = config
        self.store = store
        self.gorgias = gorgias
        self.brevo = brevo
        self.clock = clock
        self.connector_id = connector_id
        self.progress: ProgressListener = progress or NoProgress()
        self.lease_seconds = lease_seconds
        self.worker = worker_name(connector_id)
        self._setup: BrevoSetup | None = None
        self._custom_field_types: Mapping[str, str] | None = None

    # -- the bulk sync ----------------------------------------------------------

    async def run(
        self,
        *,
        mode: Literal["full", "incremental"] = "incremental",
        resources: Sequence[str] | None = None,
        since: datetime | None = None,
        batch_size: int = 100,
        dry_run: bool = False,
    ) -> SyncReport:
        """Run one sync and return what it did.

        `resources` limits the reads (names in `RESOURCES`; `surveys` is
        accepted for `satisfaction_surveys`); customers changed by them are
        still planned and written. `since` reads from that instant instead of
        the watermarks. `batch_size` is the number of customers planned per
        transaction. A dry run reads Gorgias and plans, writes nothing to
        Brevo, leaves the store as it was, and returns the plan.

        Raises:
            ConfigError: an unknown mode or resource, or Brevo lacks a
                configured list or attribute.
            LeaseHeldError: another process is syncing this connector.
            ApiError, StoreError: a failure the run cannot go past; a rerun
                resumes from the last committed page.
        """
        chosen = chosen_resources(resources, self.config)
        if mode not in ("full", "incremental"):
            raise ConfigError(
                f"invalid sync type: type={mode!r}; expected full or incremental"
            )
        if batch_size < 1:
            raise ConfigError(
                f"invalid batch size: batch_size={batch_size}; expected at least 1"
            )
        with self._transactions(dry_run=dry_run) as store:
            return await self._run(
                store,
                mode=mode,
                resources=chosen,
                since=since,
                batch_size=batch_size,
                dry_run=dry_run,
            )

    @contextlib.contextmanager
    def _transactions(self, *, dry_run: bool) -> Iterator[Transactions]:
        if not dry_run:
            yield self.store
            return
        with RollbackStore(self.store) as rollback:
            yield rollback

    async def _run(
        self,
        store: Transactions,
        *,
        mode: SyncMode,
        resources: tuple[str, ...],
        since: datetime | None,
        batch_size: int,
        dry_run: bool,
    ) -> SyncReport:
        lease = SyncLease(
            store, self.connector_id, self.worker, ttl_seconds=self.lease_seconds
        )
        started = self.clock.now()
        tally = RunTally()
        throttled_before = self._throttled()
        with store.transaction(self.connector_id) as tx:
            lease.acquire(tx)
            interrupt_running_runs(tx)
            release_dead_claims(tx)
            run_id = start_sync_run(tx, mode)
            # A full run's request count does not predict an incremental one.
            previous = last_sync_run(tx, status="succeeded", mode=mode)
            first_sync_at = get_watermark(tx, FIRST_SYNC)
            if first_sync_at is None:
                first_sync_at = set_watermark(tx, FIRST_SYNC, started)
            first_outbox = last_outbox_id(tx)
        expected = previous.gorgias_requests if previous else None

        def on_page(tx: Tx) -> None:
            lease.renew_if_due(tx)
            self._checkpoint(tx, run_id, tally, throttled_before)
            if expected is not None:
                remaining = max(expected - tally.gorgias_requests, 0)
                self.progress.on_estimate(
                    remaining, self.gorgias.limiter.estimate_seconds(remaining)
                )

        ctx = ReadContext(
            store=store,
            connector_id=self.connector_id,
            gorgias=self.gorgias,
            config=self.config.gorgias,
            tally=tally,
            progress=self.progress,
            scope=ReadScope(
                full=mode == "full",
                since=since,
                overlap=timedelta(minutes=self.config.gorgias.sync.overlap_minutes),
            ),
            on_page=on_page,
        )
        try:
            setup = await self._read_and_prepare(ctx, resources, dry_run=dry_run)
            planner = ContactPlanner(
                store=store,
                connector_id=self.connector_id,
                config=self.config.gorgias,
                catalogue=setup.catalogue,
                now=self.clock.now(),
                first_sync_at=first_sync_at,
                tally=tally,
                keep_history=dry_run,
            )
            with store.transaction(self.connector_id, read_only=True) as tx:
                self.progress.on_stage("plan", count_dirty(tx))
            planner.plan_all(batch_size=batch_size, on_batch=lease.renew_if_due)
            plan = None
            if dry_run:
                plan = dry_run_plan(
                    store,
                    self.connector_id,
                    since_id=first_outbox,
                    setup=setup,
                    tally=tally,
                )
            else:
                await drain_all(
                    self._writer(store),
                    store=store,
                    connector_id=self.connector_id,
                    lease=lease,
                    tally=tally,
                    clock=self.clock,
                    progress=self.progress,
                )
        except BaseException:
            with (
                contextlib.suppress(Exception),
                store.transaction(self.connector_id) as tx,
            ):
                finish_sync_run(
                    tx, run_id, "failed", **self._totals(tx, tally, throttled_before)
                )
                lease.release(tx)
            raise
        with store.transaction(self.connector_id) as tx:
            totals = self._totals(tx, tally, throttled_before)
            finish_sync_run(tx, run_id, "succeeded", **totals)
            lease.release(tx)
            # A dry run's rows are rolled back with the rest: none stays queued.
            pending = 0 if dry_run else outbox_depth(tx)
        return SyncReport(
            run_id=run_id,
            mode=mode,
            dry_run=dry_run,
            started_at=started,
            finished_at=self.clock.now(),
            resources=tally.resources(),
            contacts_written=tally.contacts_written,
            contacts_unchanged=tally.contacts_unchanged,
            list_adds=tally.list_adds,
            list_removes=tally.list_removes,
            events_sent=tally.events_sent,
            historical_events=tally.historical_events,
            skipped=dict(tally.skipped),
            failures=len(tally.failed_ids),
            failed_record_ids=tuple(tally.failed_ids),
            throttled_seconds=self._throttled() - throttled_before,
            gorgias_requests=tally.gorgias_requests,
            brevo_requests=tally.brevo_requests,
            pending_writes=pending,
            plan=plan,
        )

    async def _read_and_prepare(
        self, ctx: ReadContext, resources: tuple[str, ...], *, dry_run: bool
    ) -> BrevoSetup:
        if "tags" in resources:
            await read_tags(ctx)
        if "users" in resources:
            await read_users(ctx)
        setup = await self._prepare(ctx, dry_run=dry_run)
        if "customers" in resources:
            await read_customers(ctx)
        if "messages" in resources:
            await read_messages(ctx)
        if "tickets" in resources:
            await read_tickets(ctx)
        surveys_read: set[int] = set()
        if "satisfaction_surveys" in resources:
            surveys_read = await read_surveys(ctx)
        if "events" in resources:
            await read_events(ctx, surveys_read=surveys_read)
        return setup

    async def _prepare(self, ctx: ReadContext, *, dry_run: bool) -> BrevoSetup:
        types: Mapping[str, str] = {}
        if self.config.gorgias.reads_custom_fields:
            types = await read_custom_field_types(ctx)
            self._custom_field_types = types
        self.progress.on_stage("brevo_setup", None)
        setup = await prepare_brevo(
            self.brevo, self.config, custom_field_types=types, dry_run=dry_run
        )
        ctx.tally.brevo_requests += setup.requests
        if not dry_run:
            self._setup = setup
        return setup

    def _checkpoint(
        self, tx: Tx, run_id: int, tally: RunTally, throttled: float
    ) -> None:
        totals = self._totals(tx, tally, throttled, with_pending=False)
        update_sync_run(tx, run_id, **totals)

    def _totals(
        self, tx: Tx, tally: RunTally, throttled: float, *, with_pending: bool = True
    ) -> _RunTotals:
        totals: _RunTotals = {
            "counts": tally.counts(),
            "skips": dict(tally.skipped),
            "failures": len(tally.failed_ids),
            "throttled_seconds": self._throttled() - throttled,
            "gorgias_requests": tally.gorgias_requests,
            "brevo_requests": tally.brevo_requests,
        }
        if with_pending:
            totals["pending"] = {"outbox": outbox_depth(tx), "dirty": count_dirty(tx)}
        return totals

    def _throttled(self) -> float:
        return (
            self.gorgias.limiter.throttled_seconds
            + self.brevo.session.pacer.throttled_seconds
        )

    def _writer(self, store: Transactions) -> OutboxWriter:
        return OutboxWriter(
            store=store,
            connector_id=self.connector_id,
            brevo=self.brevo,
            clock=self.clock,
            worker=self.worker,
            import_list=self.config.gorgias.lists.all_support_contacts,
            progress=self.progress,
        )

    # -- the real-time path and the workers -------------------------------------

    async def process_ticket_change(
        self, ticket_id: int, *, source: str
    ) -> TicketOutcome:
        """Re-read one ticket, store it, plan its customer and send the result.

        Called for webhook deliveries and by workers. The ticket, its messages
        and its survey are fetched through the paced client; the stored copy is
        compared under a row lock, so a stale or concurrent copy never moves
        state backwards or yields a transition twice. A deleted ticket (404)
        is treated as trashed.
        """
        return await realtime.process_ticket(self, ticket_id, source=source)

    async def drain_outbox(self, *, limit: int | None = None) -> DrainReport:
        """Send due outbox rows to Brevo; retry, or record failures in the ledger."""
        return await self._writer(self.store).drain(limit=limit)

    async def replay_failed(self, ids: Sequence[int] | None = None) -> ReplayReport:
        """Replay failed-record ledger entries (all unresolved ones by default).

        Failed Brevo writes are queued again; Gorgias records that could not
        be read are fetched again; contacts written without their SMS or a
        list are planned and written again. Then the outbox is drained.
        Webhook entries (rejected deliveries, failed handlers) are left as
        they are and listed as not replayable.
        """
        return await realtime.replay(self, ids)

    async def catalogue(self) -> AttributeCatalogue:
        """Return Brevo's attribute catalogue, reading and preparing it once."""
        if self._setup is None:
            types = self._custom_field_types or {}
            if self.config.gorgias.reads_custom_fields and not types:
                types = await realtime.custom_field_types(self)
                self._custom_field_types = types
            self._setup = await prepare_brevo(
                self.brevo, self.config, custom_field_types=types, dry_run=False
            )
        return self._setup.catalogue

    async def first_sync_at(self) -> datetime | None:
        """Return when the connector's first sync began, None before any."""
        with self.store.transaction(self.connector_id, read_only=True) as tx:
            return get_watermark(tx, FIRST_SYNC)
