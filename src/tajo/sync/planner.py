"""Planning: customers on the work list become queued Brevo operations.

For each customer the store marked, the planner loads everything stored about
them, asks `tajo.mapping` for the desired contact and the events of their
pending transitions, compares the contact with what was last pushed, and
queues only what differs. A contact whose attributes and lists are unchanged
costs nothing, so a run without changes writes nothing to Brevo.

SMS numbers shared by several customers go to the lowest customer id only;
Brevo keeps an SMS on one contact, and sending it for another customer would
move it (or, in the simulator, overwrite that contact's email).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tajo.brevo import AttributeCatalogue, Identity, prepare_attributes
from tajo.config import GorgiasConfig
from tajo.mapping import (
    ContactPlan,
    CustomerFacts,
    Skip,
    SurveyFacts,
    TicketFacts,
    Transition,
    TriggerFacts,
    evaluate_triggers,
    plan_contact,
    plan_events,
    plan_identity,
)
from tajo.store import ContactLink, Tx, get_contact_links, get_customers
from tajo.store.sync_outbox import enqueue_many
from tajo.store.sync_outbox import record_emitted_events as record_ledger
from tajo.store.sync_reads import (
    deleted_customer_ids,
    surveys_of_customers,
    tickets_of_customers,
)
from tajo.store.sync_repo import (
    clear_dirty,
    delete_transitions,
    dirty_customers,
    mark_dirty,
    pending_transitions,
    set_sms_claims,
    sms_claimants,
    sms_owners,
)
from tajo.sync.report import RunTally
from tajo.sync.storage import Transactions
from tajo.sync.writer import CONTACT, EVENT, TRIGGER
from tajo.sync.writer_events import event_payload

BATCH = 500


@dataclass(frozen=True, slots=True)
class _Batch:
    """Everything stored about a batch of customers, loaded in a few queries."""

    customers: dict[int, CustomerFacts]
    deleted: set[int]
    tickets: dict[int, list[TicketFacts]]
    surveys: dict[int, list[SurveyFacts]]
    transitions: dict[int, list[Transition]]
    links: dict[int, ContactLink]

    @classmethod
    def load(cls, tx: Tx, ids: list[int]) -> _Batch:
        return cls(
            customers=get_customers(tx, ids),
            deleted=deleted_customer_ids(tx, ids),
            tickets=tickets_of_customers(tx, ids),
            surveys=surveys_of_customers(tx, ids),
            transitions=pending_transitions(tx, ids),
            links=get_contact_links(tx, ids),
        )


class ContactPlanner:
    """Turns work-list customers into outbox rows, one committed batch at a time.

    Args:
        store: the state store.
        connector_id: whose customers to plan.
        config: the Gorgias connector section.
        catalogue: Brevo's attribute catalogue, to cast values to its types.
        now: the planning instant (trigger ages, the first sync's window).
        first_sync_at: when the connector's first sync began.
        tally: the run's counters.
        keep_history: keep the left-out historical transitions in the tally
            (for a dry run's plan).
    """

    def __init__(
        self,
        *,
        store: Transactions,
        connector_id: str,
        config: GorgiasConfig,
        catalogue: AttributeCatalogue,
        now: datetime,
        first_sync_at: datetime | None,
        tally: RunTally,
        keep_history: bool = False,
    ) -> None:
        self._store = store
        self._connector_id = connector_id
        self._config = config
        self._catalogue = catalogue
        self._now = now
        self._first_sync_at = first_sync_at
        self._tally = tally
        self._keep_history = keep_history

    def plan_all(
        self,
        *,
        batch_size: int = BATCH,
        on_batch: Callable[[Tx], None] | None = None,
    ) -> int:
        """Plan every customer on the work list; return how many were planned.

        `on_batch` runs inside each batch's transaction (the sync renews its
        lease there).
        """
        self.claim_numbers(None)
        planned = 0
        while True:
            with self._store.transaction(self._connector_id) as tx:
                ids = dirty_customers(tx, limit=batch_size)
                if not ids:
                    return planned
                self._plan(tx, ids)
                if on_batch is not None:
                    on_batch(tx)
            planned += len(ids)

    def plan_customers(self, customer_ids: Iterable[int]) -> None:
        """Plan these customers now (the real-time path), whatever else is dirty."""
        ids = sorted(set(customer_ids))
        if not ids:
            return
        self.claim_numbers(ids)
        with self._store.transaction(self._connector_id) as tx:
            self._plan(tx, ids)

    def claim_numbers(self, customer_ids: Sequence[int] | None) -> None:
        """Record the SMS each customer would use, before any owner is chosen.

        With None, every customer on the work list is claimed for. Customers
        who share a number whose claimants changed go on the work list too.
        """
        after: int | None = None
        while True:
            with self._store.transaction(self._connector_id) as tx:
                if customer_ids is None:
                    ids = dirty_customers(tx, after=after, limit=BATCH)
                else:
                    ids = [] if after is not None else list(customer_ids)
                if not ids:
                    return
                customers = get_customers(tx, ids)
                deleted = deleted_customer_ids(tx, ids)
                claims: dict[int, str | None] = {}
                for customer_id in ids:
                    facts = customers.get(customer_id)
                    alive = facts is not None and customer_id not in deleted
                    claims[customer_id] = self._sms(facts) if alive else None
                changed = set_sms_claims(tx, claims)
                if changed:
                    mark_dirty(tx, sms_claimants(tx, changed) - set(ids))
                after = ids[-1]

    def _sms(self, customer: CustomerFacts | None) -> str | None:
        if customer is None:
            return None
        return plan_identity(customer, self._config).sms

    def _plan(self, tx: Tx, ids: list[int]) -> None:
        batch = _Batch.load(tx, ids)
        plans: dict[int, ContactPlan | Skip] = {}
        for customer_id in ids:
            facts = batch.customers.get(customer_id)
            if facts is None or customer_id in batch.deleted:
                reason = "customer_unknown" if facts is None else "customer_deleted"
                self._tally.skip(reason)
                found = batch.transitions.get(customer_id, [])
                self._tally.skip("event_without_contact", len(found))
                continue
            plans[customer_id] = plan_contact(
                facts,
                batch.tickets.get(customer_id, []),
                batch.surveys.get(customer_id, []),
                config=self._config,
            )

        numbers = [
            plan.identity.sms
            for plan in plans.values()
            if isinstance(plan, ContactPlan) and plan.identity.sms
        ]
        owners = sms_owners(tx, numbers)
        ledger: list[dict[str, Any]] = []
        queued: list[tuple[str, dict[str, Any], str]] = []
        for customer_id, raw_plan in plans.items():
            plan = self._share_sms(raw_plan, owners)
            found = batch.transitions.get(customer_id, [])
            if isinstance(plan, Skip):
                self._tally.skip(plan.reason)
                self._tally.skip("event_without_contact", len(found))
                continue
            contact = self._contact_payload(plan, batch.links.get(customer_id))
            if contact is None:
                self._tally.contacts_unchanged += 1
            else:
                queued.append((CONTACT, contact, f"contact:{customer_id}"))
            self._events(plan, found, ledger, queued)
            self._triggers(
                batch.customers[customer_id],
                plan.identity,
                found,
                {t.id: t for t in batch.tickets.get(customer_id, [])},
                {s.id: s for s in batch.surveys.get(customer_id, [])},
                ledger,
                queued,
            )

        self._commit(tx, ids, ledger, queued)

    def _commit(
        self,
        tx: Tx,
        ids: list[int],
        ledger: list[dict[str, Any]],
        queued: list[tuple[str, dict[str, Any], str]],
    ) -> None:
        # A ledger key that already existed was planned before (by this path
        # or the other), so its event is not queued again.
        added = record_ledger(tx, ledger)
        self._tally.historical_events += sum(
            1
            for entry in ledger
            if entry["state"] == "skipped_backfill"
            and entry["idempotency_key"] in added
        )
        operations = [
            (kind, payload, key)
            for kind, payload, key in queued
            if kind == CONTACT or key in added
        ]
        enqueue_many(tx, operations)
        clear_dirty(tx, ids)
        delete_transitions(tx, ids)

    def _share_sms(
        self, plan: ContactPlan | Skip, owners: Mapping[str, int]
    ) -> ContactPlan | Skip:
        if isinstance(plan, Skip):
            return plan
        sms = plan.identity.sms
        if sms is None or owners.get(sms, plan.customer_id) == plan.customer_id:
            return plan
        identity = plan.identity
        if identity.email is None and identity.ext_id is None:
            # Counted as a skipped customer by the caller.
            return Skip(plan.customer_id, "sms_shared", plan.warnings)
        self._tally.skip("sms_shared")
        return replace(plan, identity=replace(identity, sms=None))

    def _contact_payload(
        self, plan: ContactPlan, link: ContactLink | None
    ) -> dict[str, Any] | None:
        prepared = prepare_attributes(
            plan.attributes, self._catalogue, timezone=self._config.timezone
        )
        self._tally.skip("attribute_value_dropped", len(prepared.rejected))
        identity = plan.identity
        digest = contact_digest(identity, prepared.values)
        had = set(link.list_ids) if link is not None else set()
        add = sorted(plan.lists - had)
        remove = sorted(plan.lists_to_remove & had)
        upsert = link is None or link.last_pushed_hash != digest
        if not upsert and not add and not remove:
            return None
        return {
            "customer_id": plan.customer_id,
            "email": identity.email,
            "sms": identity.sms,
            "ext_id": identity.ext_id,
            "attributes": prepared.values,
            "upsert": upsert,
            "add": add,
            "remove": remove,
            "hash": digest,
        }

    def _events(
        self,
        plan: ContactPlan,
        transitions: list[Transition],
        ledger: list[dict[str, Any]],
        queued: list[tuple[str, dict[str, Any], str]],
    ) -> None:
        if not transitions:
            return
        events = plan_events(
            transitions,
            plan.identity,
            self._config,
            now=self._now,
            first_sync_at=self._first_sync_at,
        )
        for planned in events.events:
            key = planned.idempotency_key
            ledger.append(_entry(planned.transition, planned.event.name, "planned"))
            payload = event_payload(
                planned.event, customer_id=plan.customer_id, key=key
            )
            queued.append((EVENT, payload, key))
        for transition in events.historical:
            name = self._config.event_name(transition.kind) or transition.kind
            ledger.append(_entry(transition, name, "skipped_backfill"))
            if self._keep_history:
                self._tally.historical.append(
                    {
                        "event_name": name,
                        "customer_id": transition.customer_id,
                        "identifiers": _event_identifiers(plan.identity),
                        "ticket_id": transition.ticket_id,
                        "event_date": transition.occurred_at.isoformat(),
                        "key": transition.idempotency_key,
                    }
                )
        self._tally.skip("event_without_identifier", len(events.unaddressed))

    def _triggers(
        self,
        customer: CustomerFacts,
        identity: Identity,
        transitions: list[Transition],
        tickets: Mapping[int, Any],
        surveys: Mapping[int, Any],
        ledger: list[dict[str, Any]],
        queued: list[tuple[str, dict[str, Any], str]],
    ) -> None:
        if not self._config.triggers:
            return
        for transition in transitions:
            facts = TriggerFacts(
                customer,
                tickets.get(transition.ticket_id or -1),
                surveys.get(transition.survey_id or -1),
            )
            outcome = evaluate_triggers(transition, facts, self._config, now=self._now)
            for skipped in outcome.skipped:
                self._tally.skip(f"trigger_{skipped.reason}")
            for action in outcome.actions:
                name = action.brevo_event or f"template:{action.template_id}"
                entry = _entry(transition, name, "planned")
                entry["idempotency_key"] = action.idempotency_key
                ledger.append(entry)
                payload: dict[str, Any] = {
                    "customer_id": customer.id,
                    "key": action.idempotency_key,
                    "trigger": action.trigger,
                }
                if action.template_id is not None:
                    payload.update(
                        template_id=action.template_id,
                        email=action.email,
                        params=dict(action.params),
                    )
                else:
                    event = action.to_event(_event_identifiers(identity))
                    payload["event"] = event.to_json()
                queued.append((TRIGGER, payload, action.idempotency_key))


def _event_identifiers(identity: Identity) -> dict[str, str | int]:
    if identity.email is not None:
        return {"email_id": identity.email}
    if identity.ext_id is not None:
        return {"ext_id": identity.ext_id}
    return {"phone_id": identity.sms} if identity.sms else {}


def _entry(transition: Transition, name: str, state: str) -> dict[str, Any]:
    return {
        "idempotency_key": transition.idempotency_key,
        "event_name": name,
        "customer_id": transition.customer_id,
        "event_date": transition.occurred_at,
        "state": state,
    }


def contact_digest(identity: Identity, attributes: Mapping[str, object]) -> str:
    """Return a digest of what an upsert sends, to skip unchanged contacts."""
    document = {
        "email": identity.email,
        "sms": identity.sms,
        "ext_id": identity.ext_id,
        "attributes": attributes,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
