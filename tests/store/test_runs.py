"""Sync runs, watermarks and leases."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from tests.store.factories import at

from tajo.clock import FakeClock
from tajo.errors import LeaseHeldError
from tajo.store import (
    Store,
    acquire_lease,
    delete_watermark,
    finish_sync_run,
    get_lease,
    get_sync_run,
    get_text_watermark,
    get_watermark,
    interrupt_running_runs,
    last_sync_run,
    release_lease,
    renew_lease,
    set_text_watermark,
    set_watermark,
    start_sync_run,
    update_sync_run,
)


def test_watermark_round_trip(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        set_watermark(tx, "tickets", at(5))
    with store.transaction("gorgias") as tx:
        assert get_watermark(tx, "tickets") == at(5)


def test_watermark_missing_is_none(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        assert get_watermark(tx, "tickets") is None


def test_watermark_never_moves_back(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        set_watermark(tx, "tickets", at(5))
        kept = set_watermark(tx, "tickets", at(1))
        stored = get_watermark(tx, "tickets")
    assert kept == at(5)
    assert stored == at(5)


def test_watermark_moves_forward(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        set_watermark(tx, "tickets", at(5))
        assert set_watermark(tx, "tickets", at(9)) == at(9)


def test_watermark_delete_starts_over(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        set_watermark(tx, "tickets", at(5))
        delete_watermark(tx, "tickets")
        set_watermark(tx, "tickets", at(1))
        assert get_watermark(tx, "tickets") == at(1)


def test_watermark_per_connector(store: Store) -> None:
    with store.transaction("gorgias:a") as tx:
        set_watermark(tx, "tickets", at(5))
    with store.transaction("gorgias:b") as tx:
        assert get_watermark(tx, "tickets") is None


def test_text_watermark_overwrites(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        set_text_watermark(tx, "events", "900")
        set_text_watermark(tx, "events", "120")
        assert get_text_watermark(tx, "events") == "120"


def test_sync_run_lifecycle(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        run_id = start_sync_run(tx, "full")
    with store.transaction("gorgias") as tx:
        update_sync_run(tx, run_id, counts={"customers": 100}, gorgias_requests=3)
    clock.advance(90)
    with store.transaction("gorgias") as tx:
        finish_sync_run(
            tx,
            run_id,
            "succeeded",
            counts={"customers": 250},
            skips={"no_identifier": 4},
            failures=1,
            throttled_seconds=12.5,
            brevo_requests=7,
            pending={"outbox": 2},
        )
        run = get_sync_run(tx, run_id)
    assert run is not None
    assert run.status == "succeeded"
    assert run.counts == {"customers": 250}
    assert run.skips == {"no_identifier": 4}
    assert run.failures == 1
    assert run.throttled_seconds == 12.5
    assert run.gorgias_requests == 3
    assert run.brevo_requests == 7
    assert run.pending == {"outbox": 2}
    assert run.finished_at == clock.now()


def test_last_sync_run_by_status(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        good = start_sync_run(tx, "full")
        finish_sync_run(tx, good, "succeeded")
        clock.advance(60)
        bad = start_sync_run(tx, "incremental")
        finish_sync_run(tx, bad, "failed")
        latest = last_sync_run(tx)
        succeeded = last_sync_run(tx, status="succeeded")
    assert latest is not None
    assert latest.id == bad
    assert succeeded is not None
    assert succeeded.id == good


def test_interrupt_running_runs(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        run_id = start_sync_run(tx, "incremental")
    with store.transaction("gorgias") as tx:
        assert interrupt_running_runs(tx) == 1
        run = get_sync_run(tx, run_id)
    assert run is not None
    assert run.status == "interrupted"


def test_lease_second_holder_rejected(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    with pytest.raises(LeaseHeldError) as caught, store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-b:2", ttl_seconds=60)
    message = str(caught.value)
    assert "holder=host-a:1" in message
    assert "expires_at=2026-08-12T12:01:00+00:00" in message


def test_lease_expired_can_be_taken(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    clock.advance(60)
    with store.transaction("gorgias") as tx:
        lease = acquire_lease(tx, "sync", "host-b:2", ttl_seconds=60)
    assert lease.holder == "host-b:2"
    assert lease.acquired_at == clock.now()


def test_lease_same_holder_extends(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        first = acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    clock.advance(30)
    with store.transaction("gorgias") as tx:
        again = acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    assert again.acquired_at == first.acquired_at
    assert again.expires_at == clock.now() + (first.expires_at - first.acquired_at)


def test_lease_renew_after_takeover_raises(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    clock.advance(61)
    with store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-b:2", ttl_seconds=60)
    with (
        pytest.raises(LeaseHeldError, match="holder=host-b:2"),
        store.transaction("gorgias") as tx,
    ):
        renew_lease(tx, "sync", "host-a:1", ttl_seconds=60)


def test_lease_renew_keeps_it(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    clock.advance(50)
    renewed_at = clock.now()
    with store.transaction("gorgias") as tx:
        renewed = renew_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    clock.advance(50)
    with pytest.raises(LeaseHeldError), store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-b:2", ttl_seconds=60)
    assert renewed.expires_at == renewed_at + timedelta(seconds=60)


def test_lease_release_frees_it(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
        assert not release_lease(tx, "sync", "host-b:2")
        assert release_lease(tx, "sync", "host-a:1")
        lease = acquire_lease(tx, "sync", "host-b:2", ttl_seconds=60)
    assert lease.holder == "host-b:2"


def test_lease_per_connector(store: Store) -> None:
    with store.transaction("gorgias:a") as tx:
        acquire_lease(tx, "sync", "host-a:1", ttl_seconds=60)
    with store.transaction("gorgias:b") as tx:
        lease = acquire_lease(tx, "sync", "host-b:2", ttl_seconds=60)
        other = get_lease(tx, "sync")
    assert lease.holder == "host-b:2"
    assert other == lease


def test_lease_concurrent_acquire_one_winner(store: Store, store_url: str) -> None:
    contenders = 6
    barrier = threading.Barrier(contenders)
    winners: list[str] = []
    rejected: list[str] = []
    errors: list[BaseException] = []

    def contend(holder: str) -> None:
        other = Store.open(store_url, clock=store.clock, migrate=False)
        try:
            barrier.wait()
            with other.transaction("gorgias") as tx:
                acquire_lease(tx, "sync", holder, ttl_seconds=60)
            winners.append(holder)
        except LeaseHeldError:
            rejected.append(holder)
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            other.close()

    threads = [
        threading.Thread(target=contend, args=(f"host:{i}",)) for i in range(contenders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(winners) == 1
    assert len(rejected) == contenders - 1
