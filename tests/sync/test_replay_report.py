"""Replay reports what it sent, skips what it cannot replay; dismissing closes it."""

from __future__ import annotations

from typing import Any

from tajo.store import add_failed_record, get_failed_record, list_failed_records
from tajo.store.ledger import dismiss_failed_records

from .conftest import World
from .helpers import add_customer, events_named

BROKEN_DATE = "the 3rd of May"


def _break_ticket(world: World, ticket: dict[str, Any]) -> None:
    world.gorgias.seed_objects(tickets=[dict(ticket, created_datetime=BROKEN_DATE)])


def _rejected_delivery(world: World) -> int:
    with world.store.transaction("gorgias") as tx:
        return add_failed_record(
            tx,
            "webhook",
            "delivery",
            "sha256:0123456789abcdef",
            reason="invalid_json",
            detail="the body is not JSON",
            payload={"status": 400, "body": "<xml/>"},
        )


async def test_replay_counts_repaired_ticket_writes(world: World) -> None:
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Broken mug")
    _break_ticket(world, ticket)
    engine = world.engine()
    report = await engine.run(mode="full")
    assert len(report.failed_record_ids) == 1
    assert events_named(world.brevo.state(), "SUPPORT_TICKET_OPENED") == []
    world.gorgias.seed_objects(tickets=[ticket])

    replay = await engine.replay_failed()

    assert replay.resolved == report.failed_record_ids
    assert len(events_named(world.brevo.state(), "SUPPORT_TICKET_OPENED")) == 1
    # The ticket's writes are sent while it is read again, before the final
    # drain; the report must still count them.
    assert replay.drain.events_sent == 1
    assert replay.drain.contacts_written == 1


async def test_replay_skips_rejected_webhook_deliveries(world: World) -> None:
    entry = _rejected_delivery(world)

    replay = await world.engine().replay_failed()

    assert replay.not_replayable == (entry,)
    assert replay.still_failing == ()
    assert replay.resolved == ()
    with world.store.transaction("gorgias", read_only=True) as tx:
        skipped = get_failed_record(tx, entry)
    assert skipped is not None
    assert not skipped.resolved
    assert skipped.replayed_at is None


async def test_dismiss_closes_an_entry_with_its_note(world: World) -> None:
    entry = _rejected_delivery(world)

    with world.store.transaction("gorgias") as tx:
        closed = dismiss_failed_records(tx, [entry, entry, 424242], note="sender fixed")
        again = dismiss_failed_records(tx, [entry], note="twice")

    assert closed == [entry]
    assert again == []
    with world.store.transaction("gorgias", read_only=True) as tx:
        assert list_failed_records(tx) == []
        dismissed = get_failed_record(tx, entry)
    assert dismissed is not None
    assert dismissed.resolved
    assert dismissed.replayed_at is None
    assert dismissed.detail.endswith("[dismissed: sender fixed]")


async def test_dismissed_delivery_rejected_again_opens_a_new_entry(
    world: World,
) -> None:
    first = _rejected_delivery(world)
    with world.store.transaction("gorgias") as tx:
        dismiss_failed_records(tx, [first], note="seen")

    second = _rejected_delivery(world)

    assert second != first


async def test_unknown_ticket_answering_404_is_not_found(world: World) -> None:
    outcome = await world.engine().process_ticket_change(86599999, source="webhook")

    assert outcome.status == "not_found"
