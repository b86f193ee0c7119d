"""Contact links, tags, users, activity counts and status totals."""

from __future__ import annotations

from tests.store.factories import at, customer, survey, ticket

from tajo.clock import FakeClock
from tajo.store import (
    ContactLink,
    Store,
    TagRecord,
    UserRecord,
    activity_counts,
    add_delivery,
    add_failed_record,
    enqueue,
    finish_sync_run,
    get_contact_link,
    get_contact_links,
    get_users,
    list_tags,
    mark_customer_deleted,
    record_activity,
    replace_tags,
    replace_users,
    save_contact_link,
    start_sync_run,
    store_status,
    upsert_customers,
    upsert_surveys,
    upsert_tickets,
)


def test_contact_link_round_trip(store: Store, clock: FakeClock) -> None:
    link = ContactLink(
        customer_id=1,
        email="ada@example.com",
        sms="+33612345678",
        ext_id="gorgias-1",
        brevo_contact_id=42,
        last_pushed_attributes={"TICKET_COUNT": 3.0, "CSAT_SCORE": 5},
        last_pushed_hash="abc123",
        list_ids=(35, 36),
        pushed_at=clock.now(),
    )
    with store.transaction("gorgias") as tx:
        save_contact_link(tx, link)
    with store.transaction("gorgias") as tx:
        assert get_contact_link(tx, 1) == link


def test_contact_link_replaced(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        save_contact_link(tx, ContactLink(customer_id=1, list_ids=(35, 36)))
        save_contact_link(tx, ContactLink(customer_id=1, list_ids=(35,)))
        links = get_contact_links(tx, [1, 2])
    assert list(links) == [1]
    assert links[1].list_ids == (35,)


def test_contact_link_missing_is_none(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        assert get_contact_link(tx, 1) is None


def test_replace_tags_drops_missing(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        replace_tags(tx, [TagRecord(1, "vip"), TagRecord(2, "refund")])
        replace_tags(tx, [TagRecord(2, "refund-request", {"usage": 4})])
        tags = list_tags(tx)
    assert tags == [TagRecord(2, "refund-request", {"usage": 4})]


def test_replace_users_keyed_by_id(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        replace_users(tx, [UserRecord(5, "Grace", "grace@example.com")])
        users = get_users(tx)
    assert users[5].name == "Grace"


def test_record_activity_counts_once(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        first = record_activity(tx, 900, "macro", 7, name="Refund", at=at(1))
        repeat = record_activity(tx, 900, "macro", 7, name="Refund", at=at(1))
        record_activity(tx, 901, "macro", 7, name="Refund v2", at=at(5))
        record_activity(tx, 902, "macro", 7, name="Refund v1", at=at(3))
        record_activity(tx, 903, "rule", 8, name="Auto-close", at=at(2))
        macros = activity_counts(tx, kind="macro")
        everything = activity_counts(tx)
    assert first
    assert not repeat
    assert [(c.object_id, c.count) for c in macros] == [(7, 3)]
    assert macros[0].name == "Refund v2"
    assert macros[0].last_at == at(5)
    assert len(everything) == 2


def test_store_status_counts(store: Store) -> None:
    with store.transaction("gorgias") as tx:
        upsert_customers(tx, [customer(1), customer(2), customer(3)])
        mark_customer_deleted(tx, 3, at=at(1))
        upsert_tickets(tx, [ticket(10), ticket(11), ticket(12, customer_id=2)])
        upsert_surveys(
            tx,
            [
                survey(100, score=5, scored_at=at(9)),
                survey(101, ticket_id=11, score=None),
            ],
        )
        enqueue(tx, "event", {})
        add_delivery(tx, b"{}", headers={}, content_type=None)
        add_failed_record(tx, "sync", "ticket", 1, reason="r", detail="")
        run_id = start_sync_run(tx, "full")
        finish_sync_run(tx, run_id, "succeeded")
        status = store_status(tx)
    assert status.customers_count == 2
    assert status.tickets_tracked == 3
    assert status.csat_responses == 1
    assert status.outbox_pending == 1
    assert status.inbox_pending == 1
    assert status.failed_records == 1
    assert status.last_sync is not None
    assert status.last_sync.id == run_id
    assert status.last_successful_sync == status.last_sync


def test_store_status_empty_connector(store: Store) -> None:
    with store.transaction("nobody") as tx:
        status = store_status(tx)
    assert status.customers_count == 0
    assert status.last_sync is None
