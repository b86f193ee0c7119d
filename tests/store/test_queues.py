"""Outbox and inbox: enqueue, claims that never overlap, leases, retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tajo.clock import FakeClock
from tajo.http.retry import Backoff
from tajo.store import (
    Store,
    add_delivery,
    claim_inbox,
    claim_outbox,
    complete_inbox,
    complete_outbox,
    enqueue,
    fail_outbox,
    requeue_failed_outbox,
    retry_inbox,
    retry_outbox,
    store_status,
)


def test_enqueue_same_dedupe_key_one_row(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        first = enqueue(tx, "contact_upsert", {"v": 1}, dedupe_key="contact:1")
        second = enqueue(tx, "contact_upsert", {"v": 2}, dedupe_key="contact:1")
        items = claim_outbox(tx, "w1")
    assert second == first
    assert [item.payload for item in items] == [{"v": 2}]


def test_enqueue_without_key_always_adds(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        first = enqueue(tx, "event", {"v": 1})
        second = enqueue(tx, "event", {"v": 1})
    assert second != first


def test_enqueue_after_claim_queues_again(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "contact_upsert", {"v": 1}, dedupe_key="contact:1")
        [claimed] = claim_outbox(tx, "w1")
        again = enqueue(tx, "contact_upsert", {"v": 2}, dedupe_key="contact:1")
        while_sending = claim_outbox(tx, "w2")
        complete_outbox(tx, "w1", [claimed.id])
        [next_item] = claim_outbox(tx, "w2")
    assert again != claimed.id
    assert while_sending == []
    assert next_item.payload == {"v": 2}


def test_claim_outbox_takes_key_of_expired_claim(
    store: Store, clock: FakeClock
) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "contact_upsert", {"v": 1}, dedupe_key="contact:1")
        claim_outbox(tx, "w1", lease_seconds=60)
        enqueue(tx, "contact_upsert", {"v": 2}, dedupe_key="contact:1")
    clock.advance(61)
    with store.transaction("gorgias") as tx:
        items = claim_outbox(tx, "w2")
    assert sorted(item.payload["v"] for item in items) == [1, 2]


def test_enqueue_not_before_delays_claim(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {}, not_before=clock.now() + timedelta(seconds=30))
        early = claim_outbox(tx, "w1")
    clock.advance(30)
    with store.transaction("gorgias") as tx:
        later = claim_outbox(tx, "w1")
    assert early == []
    assert len(later) == 1


def test_claim_outbox_oldest_first_with_limit(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        ids = [enqueue(tx, "event", {"n": n}) for n in range(5)]
        items = claim_outbox(tx, "w1", limit=3)
    assert [item.id for item in items] == ids[:3]
    assert all(item.attempts == 1 for item in items)


def test_claim_outbox_skips_claimed_rows(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        for n in range(4):
            enqueue(tx, "event", {"n": n})
    with store.transaction("gorgias") as tx:
        first = claim_outbox(tx, "w1", limit=2)
    with store.transaction("gorgias") as tx:
        second = claim_outbox(tx, "w2", limit=10)
    assert {item.id for item in first}.isdisjoint(item.id for item in second)
    assert len(second) == 2


def test_claim_outbox_other_connector_invisible(store: Store) -> None:
    with store.transaction("gorgias:a") as tx:
        enqueue(tx, "event", {})
    with store.transaction("gorgias:b") as tx:
        assert claim_outbox(tx, "w1") == []


def test_claim_expired_lease_reclaimed(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
        [lost] = claim_outbox(tx, "dead-worker", lease_seconds=60)
    clock.advance(61)
    with store.transaction("gorgias") as tx:
        [taken] = claim_outbox(tx, "w2")
        late = complete_outbox(tx, "dead-worker", [lost.id])
    assert taken.id == lost.id
    assert taken.attempts == 2
    assert late == 0


def test_claim_live_lease_not_reclaimed(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
        claim_outbox(tx, "w1", lease_seconds=60)
    clock.advance(59)
    with store.transaction("gorgias") as tx:
        assert claim_outbox(tx, "w2") == []


@pytest.mark.postgres
def test_claim_skip_locked_open_transactions(
    postgres_url: str, clock: FakeClock
) -> None:
    first = Store.open(postgres_url, clock=clock)
    second = Store.open(postgres_url, clock=clock, migrate=False)
    try:
        with first.transaction("gorgias") as tx:
            for n in range(6):
                enqueue(tx, "event", {"n": n})
        # The first claim is not committed yet, so its rows are still locked
        # when the second claimer runs: SKIP LOCKED must pass over them
        # without waiting.
        with first.transaction("gorgias") as tx_a:
            mine = claim_outbox(tx_a, "w1", limit=3)
            with second.transaction("gorgias") as tx_b:
                theirs = claim_outbox(tx_b, "w2", limit=10)
    finally:
        first.close()
        second.close()
    assert {item.id for item in mine}.isdisjoint(item.id for item in theirs)
    assert len(mine) + len(theirs) == 6


def test_claim_concurrent_workers_never_overlap(store: Store, store_url: str) -> None:
    total = 120
    with store.transaction("gorgias") as tx:
        for n in range(total):
            enqueue(tx, "event", {"n": n})
    workers = 4
    barrier = threading.Barrier(workers)
    claimed: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        other = Store.open(store_url, clock=store.clock, migrate=False)
        mine: list[int] = []
        try:
            barrier.wait()
            while True:
                with other.transaction("gorgias") as tx:
                    batch = claim_outbox(tx, name, limit=7)
                if not batch:
                    break
                mine.extend(item.id for item in batch)
                with other.transaction("gorgias") as tx:
                    complete_outbox(tx, name, [item.id for item in batch])
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            claimed[name] = mine
            other.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every_claim = [item for ids in claimed.values() for item in ids]
    assert errors == []
    assert len(every_claim) == total
    assert len(set(every_claim)) == total


def test_complete_outbox_marks_done(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
        [item] = claim_outbox(tx, "w1")
        done = complete_outbox(tx, "w1", [item.id])
        status = store_status(tx)
    assert done == 1
    assert status.outbox_pending == 0


def test_complete_outbox_other_worker_refused(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
        [item] = claim_outbox(tx, "w1")
        assert complete_outbox(tx, "w2", [item.id]) == 0


def test_retry_outbox_delay_and_error(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
        [item] = claim_outbox(tx, "w1")
        assert retry_outbox(tx, "w1", item.id, error="503 from Brevo", delay_seconds=30)
        too_early = claim_outbox(tx, "w1")
    clock.advance(30)
    with store.transaction("gorgias") as tx:
        [again] = claim_outbox(tx, "w1")
    assert too_early == []
    assert again.id == item.id
    assert again.attempts == 2


def test_retry_outbox_uses_backoff(store: Store, clock: FakeClock) -> None:
    backoff = Backoff(base_seconds=10, cap_seconds=100, random=lambda: 1.0)
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
        [item] = claim_outbox(tx, "w1")
        retry_outbox(tx, "w1", item.id, error="503", backoff=backoff)
    clock.advance(9.9)
    with store.transaction("gorgias") as tx:
        early = claim_outbox(tx, "w1")
    clock.advance(0.1)
    with store.transaction("gorgias") as tx:
        due = claim_outbox(tx, "w1")
    assert early == []
    assert len(due) == 1


def test_fail_outbox_then_requeue(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "contact_upsert", {"v": 1}, dedupe_key="contact:1")
        [item] = claim_outbox(tx, "w1")
        assert fail_outbox(tx, "w1", [item.id], error="400 invalid") == 1
        failed = store_status(tx).outbox_failed
        requeued = requeue_failed_outbox(tx, [item.id])
        [again] = claim_outbox(tx, "w1")
    assert failed == 1
    assert requeued == 1
    assert again.id == item.id
    assert again.attempts == 1


def test_requeue_skips_key_already_pending(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        enqueue(tx, "contact_upsert", {"v": 1}, dedupe_key="contact:1")
        [item] = claim_outbox(tx, "w1")
        fail_outbox(tx, "w1", [item.id], error="400")
        enqueue(tx, "contact_upsert", {"v": 2}, dedupe_key="contact:1")
        assert requeue_failed_outbox(tx, [item.id]) == 0


def test_inbox_round_trip_redacts_headers(store: Store) -> None:
    headers = {"Authorization": "Basic c2VjcmV0", "Content-Type": "application/json"}
    with store.transaction("gorgias") as tx:
        delivery_id = add_delivery(
            tx,
            b'{"ticket_id": 10}',
            headers=headers,
            content_type="application/json",
            query_string="source=gorgias",
            ticket_id=10,
        )
        [item] = claim_inbox(tx, "w1")
    assert item.id == delivery_id
    assert item.body == b'{"ticket_id": 10}'
    assert item.headers["Authorization"] == "[redacted]"
    assert item.headers["Content-Type"] == "application/json"
    assert item.ticket_id == 10


def test_inbox_retry_then_complete(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        add_delivery(tx, b"{}", headers={}, content_type=None)
        [item] = claim_inbox(tx, "w1")
        retry_inbox(tx, "w1", item.id, error="Gorgias 503", delay_seconds=5)
    clock.advance(5)
    with store.transaction("gorgias") as tx:
        [again] = claim_inbox(tx, "w1")
        completed = complete_inbox(tx, "w1", [again.id])
        status = store_status(tx)
    assert completed == 1
    assert status.inbox_pending == 0


def test_inbox_concurrent_claims_never_overlap(store: Store, store_url: str) -> None:
    with store.transaction("gorgias") as tx:
        for n in range(40):
            add_delivery(tx, str(n).encode(), headers={}, content_type=None)
    barrier = threading.Barrier(3)
    claimed: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(name: str) -> None:
        other = Store.open(store_url, clock=store.clock, migrate=False)
        try:
            barrier.wait()
            while True:
                with other.transaction("gorgias") as tx:
                    batch = claim_inbox(tx, name, limit=3)
                if not batch:
                    break
                with lock:
                    claimed.extend(item.id for item in batch)
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(claimed) == 40
    assert len(set(claimed)) == 40
