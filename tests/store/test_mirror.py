"""Upserts of customers, tickets and surveys, and the reads the planner uses."""

from __future__ import annotations

import threading
from types import MappingProxyType

from tests.store.factories import at, customer, survey, ticket

from tajo.clock import FakeClock
from tajo.store import (
    ChangeMarker,
    Store,
    customer_surveys,
    customer_tickets,
    customers_changed_since,
    get_customer,
    get_customer_record,
    get_customers,
    get_survey,
    get_ticket,
    mark_customer_deleted,
    mark_customer_merged,
    unscored_survey_ids,
    upsert_customers,
    upsert_surveys,
    upsert_tickets,
)


def test_upsert_ticket_new_has_no_previous(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        [result] = upsert_tickets(tx, [ticket(10)])
    assert result.is_new
    assert result.applied
    assert result.current == ticket(10)


def test_upsert_ticket_newer_returns_previous(store: Store) -> None:
    old = ticket(10, status="open", updated_at=at(0))
    new = ticket(10, status="closed", updated_at=at(5), closed_at=at(5))
    with store.transaction("gorgias") as tx:
        upsert_tickets(tx, [old])
    with store.transaction("gorgias") as tx:
        [result] = upsert_tickets(tx, [new])
        stored = get_ticket(tx, 10)
    assert result.previous == old
    assert result.changed
    assert stored == new


def test_upsert_ticket_stale_never_overwrites(store: Store) -> None:
    newer = ticket(10, status="closed", updated_at=at(5), closed_at=at(5))
    stale = ticket(10, status="open", updated_at=at(1))
    with store.transaction("gorgias") as tx:
        upsert_tickets(tx, [newer])
    with store.transaction("gorgias") as tx:
        [result] = upsert_tickets(tx, [stale])
        stored = get_ticket(tx, 10)
    assert not result.applied
    assert not result.changed
    assert result.current == newer
    assert stored == newer


def test_upsert_ticket_same_time_applies(store: Store) -> None:
    first = ticket(10, tags=("vip",), updated_at=at(5))
    second = ticket(10, tags=("vip", "refund"), updated_at=at(5))
    with store.transaction("gorgias") as tx:
        upsert_tickets(tx, [first])
        [result] = upsert_tickets(tx, [second])
        stored = get_ticket(tx, 10)
    assert result.applied
    assert stored == second


def test_upsert_ticket_unchanged_not_changed(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_tickets(tx, [ticket(10)])
        [result] = upsert_tickets(tx, [ticket(10)])
    assert result.applied
    assert not result.changed


def test_upsert_ticket_page_duplicate_keeps_newest(store: Store) -> None:
    page = [
        ticket(10, status="closed", updated_at=at(9)),
        ticket(10, status="open", updated_at=at(2)),
    ]
    with store.transaction("gorgias") as tx:
        results = upsert_tickets(tx, page)
        stored = get_ticket(tx, 10)
    assert len(results) == 1
    assert stored is not None
    assert stored.status == "closed"


def test_upsert_ticket_concurrent_stale_loses(store: Store, store_url: str) -> None:
    # Two writers race with a newer and an older copy; whatever the order,
    # the newer copy must be the one left in the store.
    with store.transaction("gorgias") as tx:
        upsert_tickets(tx, [ticket(10, updated_at=at(0))])
    copies = [ticket(10, status=f"s{i}", updated_at=at(i)) for i in range(1, 9)]
    barrier = threading.Barrier(len(copies))
    errors: list[BaseException] = []

    def write(copy_index: int) -> None:
        other = Store.open(store_url, clock=store.clock, migrate=False)
        try:
            barrier.wait()
            with other.transaction("gorgias") as tx:
                upsert_tickets(tx, [copies[copy_index]])
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(copies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.transaction("gorgias") as tx:
        stored = get_ticket(tx, 10)
    assert errors == []
    assert stored == copies[-1]


def test_upsert_ticket_other_connector_isolated(store: Store) -> None:
    with store.transaction("gorgias:a") as tx:
        upsert_tickets(tx, [ticket(10, status="closed")])
    with store.transaction("gorgias:b") as tx:
        [result] = upsert_tickets(tx, [ticket(10, status="open")])
    assert result.is_new


def test_customer_facts_round_trip(store: Store) -> None:
    full = customer(
        7,
        firstname="Ada",
        lastname="Lovelace",
        emails=("ada@example.com", "ada2@example.com"),
        phones=("06 12 34 56 78",),
        external_id="shop-7",
        custom_fields={"loyalty_tier": "gold", "vip": True, "score": 4.5},
        shopify={"orders_count": 3, "total_spent": "120.50", "tags": ["a"]},
        customer_tags=("wholesale",),
    )
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [full])
    with store.transaction("gorgias") as tx:
        loaded = get_customer(tx, 7)
    assert loaded == full
    assert loaded is not None
    assert isinstance(loaded.custom_fields, MappingProxyType)


def test_customer_without_email_or_dates(store: Store) -> None:
    bare = customer(8, email=None, name=None, created_at=None, updated_at=None)
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [bare])
        [result] = upsert_customers(tx, [customer(8, email="x@example.com")])
    assert result.applied
    assert result.previous == bare


def test_customer_stale_update_ignored(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1, email="new@example.com", updated_at=at(9))])
        [result] = upsert_customers(
            tx, [customer(1, email="old@example.com", updated_at=at(1))]
        )
        stored = get_customer(tx, 1)
    assert not result.applied
    assert stored is not None
    assert stored.email == "new@example.com"


def test_get_customers_returns_known_only(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1), customer(2)])
        found = get_customers(tx, [1, 2, 3])
    assert sorted(found) == [1, 2]


def test_survey_score_not_erased_by_older_copy(store: Store) -> None:
    scored = survey(100, score=5, sent_at=at(1), scored_at=at(60))
    unscored = survey(100, score=None, sent_at=at(1))
    with store.transaction("gorgias") as tx:
        upsert_surveys(tx, [scored])
        [result] = upsert_surveys(tx, [unscored])
        stored = get_survey(tx, 100)
    assert not result.applied
    assert stored == scored


def test_survey_scored_later_returns_unscored_previous(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_surveys(tx, [survey(100, sent_at=at(1))])
        [result] = upsert_surveys(
            tx, [survey(100, score=4, sent_at=at(1), scored_at=at(90))]
        )
    assert result.previous is not None
    assert result.previous.score is None
    assert result.current.score == 4


def test_customer_tickets_oldest_first(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_tickets(
            tx,
            [
                ticket(12, created_at=at(20), updated_at=at(20)),
                ticket(11, created_at=at(10), updated_at=at(10)),
                ticket(13, customer_id=2),
            ],
        )
        found = customer_tickets(tx, 1)
    assert [item.id for item in found] == [11, 12]


def test_customer_surveys_include_ticket_link(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_tickets(tx, [ticket(10, customer_id=1), ticket(20, customer_id=2)])
        upsert_surveys(
            tx,
            [
                survey(100, ticket_id=10, customer_id=1),
                survey(101, ticket_id=10, customer_id=None),
                survey(102, ticket_id=20, customer_id=None),
            ],
        )
        found = customer_surveys(tx, 1)
    assert [item.id for item in found] == [100, 101]


def test_changed_since_lists_new_customers(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1), customer(2)])
        marks = customers_changed_since(tx, None)
    assert [mark.customer_id for mark in marks] == [1, 2]
    assert marks[0].changed_at == clock.now()


def test_changed_since_resumes_after_marker(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1), customer(2), customer(3)])
        first = customers_changed_since(tx, None, limit=2)
        rest = customers_changed_since(tx, first[-1])
    assert [mark.customer_id for mark in first] == [1, 2]
    assert [mark.customer_id for mark in rest] == [3]


def test_changed_since_ticket_change_marks_customer(
    store: Store, clock: FakeClock
) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1), customer(2)])
        upsert_tickets(tx, [ticket(10, customer_id=1)])
    marker = ChangeMarker(changed_at=clock.now(), customer_id=2)
    clock.advance(60)
    with store.transaction("gorgias") as tx:
        upsert_tickets(
            tx, [ticket(10, customer_id=1, status="closed", updated_at=at(3))]
        )
        marks = customers_changed_since(tx, marker)
    assert [mark.customer_id for mark in marks] == [1]


def test_changed_since_ignores_unchanged_upsert(store: Store, clock: FakeClock) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1)])
        upsert_tickets(tx, [ticket(10)])
        [mark] = customers_changed_since(tx, None)
    clock.advance(60)
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1)])
        upsert_tickets(tx, [ticket(10)])
        marks = customers_changed_since(tx, mark)
    assert marks == []


def test_mark_customer_merged_keeps_row(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1)])
        merged = mark_customer_merged(tx, 1, 2, at=at(30))
        record = get_customer_record(tx, 1)
    assert merged
    assert record is not None
    assert record.merged_into_id == 2
    assert record.deleted_at == at(30)


def test_mark_customer_deleted_unknown_false(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        assert not mark_customer_deleted(tx, 404, at=at(0))


def test_unscored_survey_ids_recent_only(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_surveys(
            tx,
            [
                survey(100, created_at=at(0)),
                survey(101, created_at=at(0), sent_at=at(100)),
                survey(102, created_at=at(0), score=3, scored_at=at(200)),
            ],
        )
        everything = unscored_survey_ids(tx)
        recent = unscored_survey_ids(tx, sent_after=at(50))
    assert everything == [100, 101]
    assert recent == [101]
