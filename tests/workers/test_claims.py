"""Per-ticket inbox claims: coalescing, exclusivity between workers, leases."""

from __future__ import annotations

import threading

from tajo.clock import FakeClock
from tajo.store import Store, add_delivery, complete_inbox
from tajo.store.inbox_repo import claim_ticket_deliveries, queue_depths


def deliver(store: Store, *ticket_ids: int) -> None:
    with store.transaction("gorgias") as tx:
        for ticket_id in ticket_ids:
            add_delivery(
                tx,
                b"{}",
                headers={},
                content_type="application/json",
                ticket_id=ticket_id,
            )


def claim(store: Store, worker: str, *, tickets: int = 20) -> list[int | None]:
    with store.transaction("gorgias") as tx:
        items = claim_ticket_deliveries(tx, worker, tickets=tickets)
    return [item.ticket_id for item in items]


def test_claim_takes_every_delivery_of_a_ticket(store: Store) -> None:
    deliver(store, 7, 8, 7, 7)
    assert claim(store, "w1", tickets=1) == [7, 7, 7]


def test_claim_oldest_ticket_first(store: Store) -> None:
    deliver(store, 9, 3, 9)
    assert claim(store, "w1", tickets=1) == [9, 9]


def test_claim_skips_ticket_held_by_other_worker(store: Store) -> None:
    deliver(store, 7)
    claim(store, "w1")
    deliver(store, 7, 8)
    assert claim(store, "w2") == [8]


def test_claim_ticket_again_after_holder_finishes(store: Store) -> None:
    deliver(store, 7)
    with store.transaction("gorgias") as tx:
        held = claim_ticket_deliveries(tx, "w1")
    deliver(store, 7)
    with store.transaction("gorgias") as tx:
        complete_inbox(tx, "w1", [item.id for item in held])
    assert claim(store, "w2") == [7]


def test_claim_expired_lease_taken_over(store: Store, clock: FakeClock) -> None:
    deliver(store, 7)
    with store.transaction("gorgias") as tx:
        claim_ticket_deliveries(tx, "w1", lease_seconds=60)
    clock.advance(61)
    assert claim(store, "w2") == [7]


def test_claim_within_lease_not_taken(store: Store, clock: FakeClock) -> None:
    deliver(store, 7)
    with store.transaction("gorgias") as tx:
        claim_ticket_deliveries(tx, "w1", lease_seconds=60)
    clock.advance(59)
    assert claim(store, "w2") == []


def test_claim_counts_attempts(store: Store, clock: FakeClock) -> None:
    deliver(store, 7)
    with store.transaction("gorgias") as tx:
        claim_ticket_deliveries(tx, "w1", lease_seconds=1)
    clock.advance(2)
    with store.transaction("gorgias") as tx:
        [item] = claim_ticket_deliveries(tx, "w2")
    assert item.attempts == 2


def test_claim_other_connector_invisible(store: Store) -> None:
    with store.transaction("other") as tx:
        add_delivery(tx, b"", headers={}, content_type=None, ticket_id=1)
    assert claim(store, "w1") == []


def test_queue_depths_count_and_oldest(store: Store, clock: FakeClock) -> None:
    first = clock.now()
    deliver(store, 1)
    clock.advance(5)
    deliver(store, 2)
    with store.transaction("gorgias", read_only=True) as tx:
        depths = queue_depths(tx)
    assert (depths.inbox, depths.outbox) == (2, 0)
    assert depths.oldest_inbox_received_at == first


def test_concurrent_claims_never_share_a_ticket(store: Store) -> None:
    for _ in range(2):
        deliver(store, *range(1, 41))
    claimed: dict[str, list[int | None]] = {}

    def worker(name: str) -> None:
        mine: list[int | None] = []
        while batch := claim(store, name, tickets=3):
            mine.extend(batch)
        claimed[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    owners: dict[int | None, set[str]] = {}
    for name, tickets in claimed.items():
        for ticket_id in tickets:
            owners.setdefault(ticket_id, set()).add(name)
    assert sorted(owners) == list(range(1, 41))
    assert all(len(names) == 1 for names in owners.values())
    assert sum(len(tickets) for tickets in claimed.values()) == 80
