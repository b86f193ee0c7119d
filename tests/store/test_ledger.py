"""The emitted-event ledger and the failed-record ledger."""

from __future__ import annotations

import threading

from tests.store.factories import at

from tajo.clock import FakeClock
from tajo.store import (
    Store,
    add_failed_record,
    get_emitted_event,
    get_failed_record,
    list_failed_records,
    mark_event_sent,
    mark_replayed,
    record_emitted_event,
    set_event_state,
)

KEY = "ticket:10:closed:2026-08-01T09:35:00+00:00"


def test_emitted_event_inserted_once(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        first = record_emitted_event(
            tx, KEY, "SUPPORT_TICKET_RESOLVED", customer_id=1, event_date=at(5)
        )
        second = record_emitted_event(
            tx, KEY, "SUPPORT_TICKET_RESOLVED", customer_id=1, event_date=at(5)
        )
    assert first
    assert not second


def test_emitted_event_concurrent_insert_once(store: Store, store_url: str) -> None:
    attempts = 8
    barrier = threading.Barrier(attempts)
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        other = Store.open(store_url, clock=store.clock, migrate=False)
        try:
            barrier.wait()
            with other.transaction("gorgias") as tx:
                outcomes.append(
                    record_emitted_event(
                        tx,
                        KEY,
                        "SUPPORT_TICKET_RESOLVED",
                        customer_id=1,
                        event_date=at(5),
                    )
                )
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == [False] * (attempts - 1) + [True]


def test_emitted_event_keys_per_connector(store: Store) -> None:
    with store.transaction("gorgias:a") as tx:
        record_emitted_event(tx, KEY, "E", customer_id=1, event_date=at(5))
    with store.transaction("gorgias:b") as tx:
        assert record_emitted_event(tx, KEY, "E", customer_id=1, event_date=at(5))


def test_mark_event_sent_stamps_time(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        record_emitted_event(tx, KEY, "E", customer_id=1, event_date=at(5))
        assert mark_event_sent(tx, KEY)
        event = get_emitted_event(tx, KEY)
    assert event is not None
    assert event.state == "sent"
    assert event.sent_at == clock.now()


def test_set_event_state_unknown_key_false(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        assert not set_event_state(tx, "missing", "failed")


def test_emitted_event_backfill_state_kept(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        record_emitted_event(
            tx, KEY, "E", customer_id=None, event_date=at(5), state="skipped_backfill"
        )
        event = get_emitted_event(tx, KEY)
    assert event is not None
    assert event.state == "skipped_backfill"
    assert event.sent_at is None


def test_failed_record_repeat_bumps_attempts(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        first = add_failed_record(
            tx, "sync", "ticket", 10, reason="invalid_datetime", detail="bad value 1"
        )
        clock.advance(10)
        second = add_failed_record(
            tx, "sync", "ticket", 10, reason="invalid_datetime", detail="bad value 2"
        )
        entry = get_failed_record(tx, first)
    assert second == first
    assert entry is not None
    assert entry.attempts == 2
    assert entry.detail == "bad value 2"
    assert entry.updated_at == clock.now()


def test_failed_record_other_reason_new_entry(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        first = add_failed_record(tx, "writer", "contact", 1, reason="a", detail="")
        second = add_failed_record(tx, "writer", "contact", 1, reason="b", detail="")
    assert first != second


def test_failed_record_detail_redacted(store: Store) -> None:
    detail = "401 for request with Authorization: Basic dXNlcjpzZWNyZXRrZXk="
    with store.transaction("gorgias") as tx:
        entry_id = add_failed_record(
            tx, "sync", "customer", 1, reason="unauthorized", detail=detail
        )
        entry = get_failed_record(tx, entry_id)
    assert entry is not None
    assert "dXNlcjpzZWNyZXRrZXk=" not in entry.detail


def test_failed_record_payload_round_trip(store: Store) -> None:
    payload = {"id": 10, "updated_datetime": "yesterday", "tags": ["a"]}
    with store.transaction("gorgias") as tx:
        entry_id = add_failed_record(
            tx,
            "webhook",
            "ticket",
            10,
            reason="invalid_datetime",
            detail="",
            payload=payload,
        )
        entry = get_failed_record(tx, entry_id)
    assert entry is not None
    assert entry.payload == payload
    assert entry.record_id == "10"


def test_failed_records_listed_newest_first(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        older = add_failed_record(tx, "sync", "ticket", 1, reason="r", detail="")
        clock.advance(5)
        newer = add_failed_record(tx, "writer", "contact", 2, reason="r", detail="")
        everything = list_failed_records(tx)
        writer_only = list_failed_records(tx, source="writer")
    assert [entry.id for entry in everything] == [newer, older]
    assert [entry.id for entry in writer_only] == [newer]


def test_mark_replayed_resolves(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        entry_id = add_failed_record(tx, "sync", "ticket", 1, reason="r", detail="")
        assert mark_replayed(tx, entry_id, resolved=True)
        open_entries = list_failed_records(tx)
        entry = get_failed_record(tx, entry_id)
    assert open_entries == []
    assert entry is not None
    assert entry.resolved
    assert entry.replayed_at == clock.now()


def test_failure_after_resolved_opens_new_entry(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        first = add_failed_record(tx, "sync", "ticket", 1, reason="r", detail="")
        mark_replayed(tx, first, resolved=True)
        second = add_failed_record(tx, "sync", "ticket", 1, reason="r", detail="")
        everything = list_failed_records(tx, include_resolved=True)
    assert second != first
    assert len(everything) == 2


def test_mark_replayed_unresolved_keeps_open(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        entry_id = add_failed_record(tx, "sync", "ticket", 1, reason="r", detail="")
        mark_replayed(tx, entry_id, resolved=False)
        [entry] = list_failed_records(tx)
    assert entry.replayed_at is not None
    assert not entry.resolved
