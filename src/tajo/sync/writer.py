"""The Brevo writer: drains the outbox in batches and records every outcome.

A batch is claimed in one transaction, sent without any transaction open,
and settled in another: written contacts update their link (what Brevo now
holds), sent events are marked in the idempotency ledger, retryable failures
go back to the queue with backoff, and permanent ones go to the failed-record
ledger with their reason. Events wait for their contact: an event whose
contact was never written is put back until it is, or fails after the last
attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tajo.brevo import BrevoClient
from tajo.clock import Clock
from tajo.errors import RetryableError
from tajo.http.retry import Backoff
from tajo.store import (
    ContactLink,
    OutboxItem,
    Tx,
    add_failed_record,
    claim_outbox,
    complete_outbox,
    fail_outbox,
    get_contact_links,
    retry_outbox,
    set_event_state,
)
from tajo.store.sync_outbox import (
    mark_events_sent,
    save_contact_links,
)
from tajo.sync.progress import NoProgress, ProgressListener
from tajo.sync.report import DrainReport
from tajo.sync.storage import Transactions
from tajo.sync.writer_contacts import ContactResult, ContactWrite, write_contacts
from tajo.sync.writer_events import (
    EVENTS_PER_BATCH,
    SendResult,
    send_events,
    send_triggers,
)

logger = logging.getLogger(__name__)

CONTACT = "contact"
EVENT = "event"
TRIGGER = "trigger"


@dataclass(slots=True)
class _Totals:
    claimed: int = 0
    done: int = 0
    retried: int = 0
    deferred: int = 0
    failed: int = 0
    contacts: int = 0
    list_adds: int = 0
    list_removes: int = 0
    events: int = 0
    triggers: int = 0
    requests: int = 0
    failed_ids: list[int] = field(default_factory=list)

    def report(self) -> DrainReport:
        return DrainReport(
            claimed=self.claimed,
            done=self.done,
            retried=self.retried,
            deferred=self.deferred,
            failed=self.failed,
            contacts_written=self.contacts,
            list_adds=self.list_adds,
            list_removes=self.list_removes,
            events_sent=self.events,
            triggers_sent=self.triggers,
            brevo_requests=self.requests,
            failed_record_ids=tuple(self.failed_ids),
        )


class OutboxWriter:
    """Sends outbox rows of one connector to Brevo.

    Args:
        store: the state store holding the outbox.
        connector_id: whose rows to send.
        brevo: the Brevo client.
        clock: time source, for log lines only (the store stamps rows).
        worker: the claim name; unique per process.
        import_list: the list every written contact joins, used as the
            import's list; None writes every contact by upsert.
        max_attempts: claims of one row before it fails for good.
        progress: receives a message when a bulk import starts, because
            polling the import can take minutes with no other output.
        defer_seconds: wait before an event whose contact is not written yet
            is tried again.
    """

    def __init__(
        self,
        *,
        store: Transactions,
        connector_id: str,
        brevo: BrevoClient,
        clock: Clock,
        worker: str,
        import_list: int | None,
        max_attempts: int = 5,
        defer_seconds: float = 60.0,
        claim_size: int = 5000,
        lease_seconds: float = 900.0,
        backoff: Backoff | None = None,
        progress: ProgressListener | None = None,
    ) -> None:
        self._store = store
        self._connector_id = connector_id
        self._brevo = brevo
        self._clock = clock
        self.worker = worker
        self._import_list = import_list
        self._max_attempts = max_attempts
        self._defer_seconds = defer_seconds
        self._claim_size = claim_size
        self._lease_seconds = lease_seconds
        self._backoff = backoff or Backoff()
        self._progress: ProgressListener = progress or NoProgress()

    async def drain(self, *, limit: int | None = None) -> DrainReport:
        """Send due outbox rows until none is left (or `limit` were claimed)."""
        totals = _Totals()
        while limit is None or totals.claimed < limit:
            size = self._claim_size
            if limit is not None:
                size = min(size, limit - totals.claimed)
            with self._store.transaction(self._connector_id) as tx:
                items = claim_outbox(
                    tx, self.worker, limit=size, lease_seconds=self._lease_seconds
                )
            if not items:
                break
            totals.claimed += len(items)
            await self._send(items, totals)
        return totals.report()

    async def _send(self, items: Sequence[OutboxItem], totals: _Totals) -> None:
        by_kind: dict[str, list[OutboxItem]] = {}
        for item in items:
            by_kind.setdefault(item.kind, []).append(item)
        unknown = [i for k, v in by_kind.items() if k not in _KINDS for i in v]
        if unknown:
            with self._store.transaction(self._connector_id) as tx:
                for item in unknown:
                    self._fail(tx, item, "unknown_operation", item.kind, totals)
        await self._send_contacts(by_kind.get(CONTACT, []), totals)
        await self._send_timeline(by_kind.get(EVENT, []), totals, triggers=False)
        await self._send_timeline(by_kind.get(TRIGGER, []), totals, triggers=True)

    async def _send_contacts(
        self, items: Sequence[OutboxItem], totals: _Totals
    ) -> None:
        if not items:
            return
        queued = [ContactWrite.from_payload(i.id, i.payload) for i in items]
        with self._store.transaction(self._connector_id, read_only=True) as tx:
            before = get_contact_links(tx, [w.customer_id for w in queued])
        writes: list[ContactWrite] = []
        applied: list[int] = []
        for write in queued:
            remaining = _still_needed(write, before.get(write.customer_id))
            if remaining is None:
                applied.append(write.item_id)
            else:
                writes.append(remaining)
        batch = await write_contacts(
            self._brevo,
            writes,
            import_list=self._import_list,
            on_import=self._progress.on_message,
        )
        totals.requests += batch.requests
        by_id = {item.id: item for item in items}
        with self._store.transaction(self._connector_id) as tx:
            links = get_contact_links(tx, [w.customer_id for w in writes])
            saved: list[ContactLink] = []
            done: list[int] = list(applied)
            for write in writes:
                item = by_id[write.item_id]
                result = batch.results[write.item_id]
                if not result.written:
                    self._settle_error(tx, item, result.error, totals)
                    continue
                saved.append(
                    self._link(tx, write, result, links.get(write.customer_id))
                )
                done.append(item.id)
                totals.contacts += 1 if write.upsert else 0
                totals.list_adds += len(result.joined)
                totals.list_removes += len(result.left)
                if result.sms_dropped is not None:
                    self._note(tx, write, "sms_conflict", result.sms_dropped, totals)
                for problem in result.list_errors:
                    self._note(tx, write, "list_change_failed", problem, totals)
            save_contact_links(tx, saved)
            complete_outbox(tx, self.worker, done)
            totals.done += len(done)

    def _link(
        self,
        tx: Tx,
        write: ContactWrite,
        result: ContactResult,
        old: ContactLink | None,
    ) -> ContactLink:
        lists = (set(old.list_ids) if old else set()) | result.joined
        lists -= result.left
        if write.upsert:
            attributes: Mapping[str, Any] = write.attributes
            digest: str | None = write.digest
            sms = None if result.sms_dropped else write.sms
        else:
            attributes = old.last_pushed_attributes if old else {}
            digest = old.last_pushed_hash if old else None
            sms = old.sms if old else write.sms
        return ContactLink(
            customer_id=write.customer_id,
            email=write.email,
            sms=sms,
            ext_id=write.ext_id,
            brevo_contact_id=result.brevo_id or (old.brevo_contact_id if old else None),
            last_pushed_attributes=dict(attributes),
            last_pushed_hash=digest,
            list_ids=tuple(sorted(lists)),
            pushed_at=tx.now(),
        )

    async def _send_timeline(
        self, items: Sequence[OutboxItem], totals: _Totals, *, triggers: bool
    ) -> None:
        if not items:
            return
        with self._store.transaction(self._connector_id, read_only=True) as tx:
            customers = [_customer_of(item) for item in items]
            links = get_contact_links(tx, [c for c in customers if c is not None])
        ready: list[OutboxItem] = []
        waiting: list[OutboxItem] = []
        for item, customer_id in zip(items, customers, strict=True):
            needs_contact = not (triggers and item.payload.get("template_id"))
            linked = customer_id is not None and customer_id in links
            (ready if linked or not needs_contact else waiting).append(item)
        if waiting:
            with self._store.transaction(self._connector_id) as tx:
                for item in waiting:
                    self._defer(tx, item, totals)
        sender = send_triggers if triggers else send_events
        # Settle after each request: Brevo has no idempotency key, so a row it
        # accepted must be marked sent before the next request, or a kill in
        # between would send it again.
        for start in range(0, len(ready), EVENTS_PER_BATCH):
            chunk = ready[start : start + EVENTS_PER_BATCH]
            result = await sender(self._brevo, [(i.id, i.payload) for i in chunk])
            totals.requests += result.requests
            with self._store.transaction(self._connector_id) as tx:
                sent = [
                    item
                    for item in chunk
                    if not self._settle_sent(
                        tx, item, result, totals, triggers=triggers
                    )
                ]
                keys = [str(i.payload["key"]) for i in sent if i.payload.get("key")]
                mark_events_sent(tx, keys)
                complete_outbox(tx, self.worker, [item.id for item in sent])
                totals.done += len(sent)

    def _settle_sent(
        self,
        tx: Tx,
        item: OutboxItem,
        result: SendResult,
        totals: _Totals,
        *,
        triggers: bool,
    ) -> bool:
        """Settle a row that was not sent; return False for a sent one."""
        key = item.payload.get("key")
        if item.id in result.rejected:
            if key:
                set_event_state(tx, key, "failed")
            self._fail(tx, item, "event_rejected", result.rejected[item.id], totals)
            return True
        error = result.errors.get(item.id, ValueError("not sent"))
        if error is not None:
            self._settle_error(tx, item, error, totals)
            return True
        if triggers:
            totals.triggers += 1
        else:
            totals.events += 1
        return False

    def _settle_error(
        self, tx: Tx, item: OutboxItem, error: Exception | None, totals: _Totals
    ) -> None:
        detail = str(error) if error is not None else "not written"
        retryable = error is None or isinstance(error, RetryableError)
        if retryable and item.attempts < self._max_attempts:
            retry_outbox(tx, self.worker, item.id, error=detail, backoff=self._backoff)
            totals.retried += 1
            return
        reason = "retries_exhausted" if retryable else f"{item.kind}_rejected"
        if item.kind != CONTACT and item.payload.get("key"):
            set_event_state(tx, item.payload["key"], "failed")
        self._fail(tx, item, reason, detail, totals)

    def _defer(self, tx: Tx, item: OutboxItem, totals: _Totals) -> None:
        if item.attempts >= self._max_attempts:
            if item.payload.get("key"):
                set_event_state(tx, item.payload["key"], "failed")
            detail = (
                f"contact never written: customer_id={_customer_of(item)}; expected "
                "the contact in Brevo before its events; see the contact's entry"
            )
            self._fail(tx, item, "contact_not_written", detail, totals)
            return
        retry_outbox(
            tx,
            self.worker,
            item.id,
            error="waiting for the contact to be written",
            delay_seconds=self._defer_seconds,
        )
        totals.deferred += 1

    def _fail(
        self, tx: Tx, item: OutboxItem, reason: str, detail: str, totals: _Totals
    ) -> None:
        logger.warning(
            "brevo %s row %d failed (%s): %s", item.kind, item.id, reason, detail
        )
        fail_outbox(tx, self.worker, [item.id], error=detail)
        entry = add_failed_record(
            tx,
            "writer",
            item.kind,
            item.id,
            reason=reason,
            detail=detail,
            payload={"outbox_id": item.id, "customer_id": _customer_of(item)},
        )
        totals.failed += 1
        totals.failed_ids.append(entry)

    def _note(
        self, tx: Tx, write: ContactWrite, reason: str, detail: str, totals: _Totals
    ) -> None:
        # The contact was written; the entry records what was left out of it.
        entry = add_failed_record(
            tx,
            "writer",
            "contact",
            write.customer_id,
            reason=reason,
            detail=detail,
            payload={"customer_id": write.customer_id, "sms": write.sms},
        )
        totals.failed_ids.append(entry)


_KINDS = frozenset({CONTACT, EVENT, TRIGGER})


def _still_needed(write: ContactWrite, link: ContactLink | None) -> ContactWrite | None:
    """Drop what an earlier send of the same contact already pushed.

    The planner compares with the link when it queues a write, but a poll and
    a webhook worker can both queue one before either is sent. Returns None
    when Brevo already contains everything the write carries.
    """
    if link is None:
        return write
    member_of = set(link.list_ids)
    upsert = write.upsert and link.last_pushed_hash != write.digest
    add = tuple(i for i in write.add if i not in member_of)
    remove = tuple(i for i in write.remove if i in member_of)
    if not upsert and not add and not remove:
        return None
    return replace(write, upsert=upsert, add=add, remove=remove)


def _customer_of(item: OutboxItem) -> int | None:
    value = item.payload.get("customer_id") if isinstance(item.payload, dict) else None
    return int(value) if isinstance(value, int) else None
