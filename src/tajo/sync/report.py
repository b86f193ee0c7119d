"""What a sync, a drain, a replay or one ticket change did.

`RunTally` is the mutable counter a run fills; the frozen reports are what
callers get back. Counts use plain names so `status` can print them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SyncMode = Literal["full", "incremental"]


@dataclass(frozen=True, slots=True)
class ResourceCount:
    """Records read from Gorgias and records the store changed, per resource."""

    read: int = 0
    upserted: int = 0


@dataclass(frozen=True, slots=True)
class DryRunPlan:
    """The Brevo writes a dry run would have made, and what it left out.

    `contacts` holds each contact write (identifiers, attributes, lists to
    join and to leave), `events` each timeline event and `triggers` each
    campaign action. `historical` lists transitions older than the backfill
    window, which no run ever sends.
    """

    attributes_to_create: tuple[str, ...] = ()
    contacts: tuple[Mapping[str, Any], ...] = ()
    events: tuple[Mapping[str, Any], ...] = ()
    triggers: tuple[Mapping[str, Any], ...] = ()
    historical: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncReport:
    """The outcome of one sync run."""

    run_id: int
    mode: SyncMode
    dry_run: bool
    started_at: datetime
    finished_at: datetime
    resources: Mapping[str, ResourceCount]
    contacts_written: int
    contacts_unchanged: int
    list_adds: int
    list_removes: int
    events_sent: int
    # Transitions older than the backfill window: never sent as events.
    historical_events: int
    skipped: Mapping[str, int]
    failures: int
    # Ids of failed-record ledger entries this run added or bumped.
    failed_record_ids: tuple[int, ...]
    throttled_seconds: float
    gorgias_requests: int
    brevo_requests: int
    # Outbox rows still waiting when the run ended (deferred or retrying).
    pending_writes: int
    plan: DryRunPlan | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DrainReport:
    """The outcome of draining the outbox once."""

    claimed: int = 0
    done: int = 0
    retried: int = 0
    deferred: int = 0
    failed: int = 0
    contacts_written: int = 0
    list_adds: int = 0
    list_removes: int = 0
    events_sent: int = 0
    triggers_sent: int = 0
    brevo_requests: int = 0
    failed_record_ids: tuple[int, ...] = ()

    def plus(self, other: DrainReport) -> DrainReport:
        """Return the totals of this drain and `other` together."""
        ids = self.failed_record_ids + tuple(
            entry
            for entry in other.failed_record_ids
            if entry not in self.failed_record_ids
        )
        return DrainReport(
            claimed=self.claimed + other.claimed,
            done=self.done + other.done,
            retried=self.retried + other.retried,
            deferred=self.deferred + other.deferred,
            failed=self.failed + other.failed,
            contacts_written=self.contacts_written + other.contacts_written,
            list_adds=self.list_adds + other.list_adds,
            list_removes=self.list_removes + other.list_removes,
            events_sent=self.events_sent + other.events_sent,
            triggers_sent=self.triggers_sent + other.triggers_sent,
            brevo_requests=self.brevo_requests + other.brevo_requests,
            failed_record_ids=ids,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayReport:
    """The outcome of replaying failed-record ledger entries.

    `drain` totals every Brevo write the replay made, including those sent
    while a ticket was read again. `not_replayable` lists entries that no
    replay can fix (rejected webhook deliveries, failed handlers); they are
    left as they are, to be dismissed.
    """

    requeued: int = 0
    refetched: int = 0
    resolved: tuple[int, ...] = ()
    still_failing: tuple[int, ...] = ()
    not_replayable: tuple[int, ...] = ()
    drain: DrainReport = field(default_factory=DrainReport)


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketOutcome:
    """The outcome of handling one ticket change (webhook or worker).

    `status` is `updated` (the store changed), `unchanged` (same or older
    copy), `deleted` (Gorgias returned 404 for a ticket the store contains),
    `not_found` (Gorgias returned 404 for a ticket never stored) or `failed`
    (the ticket could not be read or parsed; see the ledger).
    """

    ticket_id: int
    source: str
    status: Literal["updated", "unchanged", "deleted", "not_found", "failed"]
    transitions: tuple[str, ...] = ()
    events_queued: int = 0
    drain: DrainReport = field(default_factory=DrainReport)


@dataclass(slots=True)
class RunTally:
    """Counters a run updates as it goes; the report is made from them."""

    read: Counter[str] = field(default_factory=Counter)
    upserted: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    failed_ids: list[int] = field(default_factory=list)
    gorgias_requests: int = 0
    brevo_requests: int = 0
    contacts_written: int = 0
    contacts_unchanged: int = 0
    list_adds: int = 0
    list_removes: int = 0
    events_sent: int = 0
    historical_events: int = 0
    historical: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count `count` records skipped for `reason`."""
        if count:
            self.skipped[reason] += count

    def fail(self, entry_id: int) -> None:
        """Remember a failed-record ledger entry."""
        if entry_id not in self.failed_ids:
            self.failed_ids.append(entry_id)

    def absorb(self, drain: DrainReport) -> None:
        """Add a drain's totals to the run's."""
        self.contacts_written += drain.contacts_written
        self.list_adds += drain.list_adds
        self.list_removes += drain.list_removes
        self.events_sent += drain.events_sent
        self.brevo_requests += drain.brevo_requests
        for entry_id in drain.failed_record_ids:
            self.fail(entry_id)

    def counts(self) -> dict[str, int]:
        """Return the counts the sync_runs row keeps."""
        totals: dict[str, int] = {}
        for name, value in self.read.items():
            totals[f"{name}_read"] = value
        for name, value in self.upserted.items():
            totals[f"{name}_upserted"] = value
        totals.update(
            contacts_written=self.contacts_written,
            contacts_unchanged=self.contacts_unchanged,
            list_adds=self.list_adds,
            list_removes=self.list_removes,
            events_sent=self.events_sent,
            historical_events=self.historical_events,
        )
        return totals

    def resources(self) -> dict[str, ResourceCount]:
        """Return read and upserted counts per resource."""
        names = sorted(set(self.read) | set(self.upserted))
        return {
            name: ResourceCount(self.read[name], self.upserted[name]) for name in names
        }
