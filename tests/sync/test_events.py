"""The Gorgias event log: automation counts and forwarding, merges and deletions."""

from __future__ import annotations

from tajo.config import DEFAULT_EVENT_MAPPING
from tajo.store import activity_counts, get_customer_record, store_status

from .conftest import World
from .helpers import add_customer, contact, events_named


def macro_event(event_id: int, ticket_id: int, at: str) -> dict[str, object]:
    return {
        "id": event_id,
        "type": "macro-applied",
        "object_type": "Ticket",
        "object_id": ticket_id,
        "created_datetime": at,
        "data": {"macro_id": 77, "name": "Refund macro"},
        "user_id": None,
        "context": "6f1c0b9e-1111-4222-8333-944455556666",
        "uri": f"/api/events/{event_id}/",
    }


async def test_macro_applied_is_counted_and_forwarded(world: World) -> None:
    world.configure(
        event_mapping={
            **DEFAULT_EVENT_MAPPING,
            "macro.applied": "SUPPORT_MACRO_APPLIED",
        }
    )
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Refund")
    at = world.clock.now().isoformat()
    world.gorgias.seed_objects(events=[macro_event(990001, ticket["id"], at)])
    engine = world.engine()

    await engine.run(mode="full")
    await world.engine().run(mode="incremental")

    forwarded = events_named(world.brevo.state(), "SUPPORT_MACRO_APPLIED")
    assert len(forwarded) == 1
    assert forwarded[0]["event_properties"]["name"] == "Refund macro"
    with world.store.transaction("gorgias", read_only=True) as tx:
        counts = activity_counts(tx, kind="macro.applied")
    assert [(c.object_id, c.count) for c in counts] == [(77, 1)]


async def test_deleted_customer_is_marked_and_left_alone(world: World) -> None:
    keep = add_customer(world.gorgias, "keep@example.com")
    deleted = add_customer(world.gorgias, "deleted@example.com")
    engine = world.engine()
    await engine.run(mode="full")
    world.clock.advance(60)
    world.gorgias.delete_customer(deleted["id"])
    before = len(world.brevo.requests)

    report = await world.engine().run(mode="incremental")

    with world.store.transaction("gorgias", read_only=True) as tx:
        record = get_customer_record(tx, deleted["id"])
        status = store_status(tx)
    assert record is not None
    assert record.deleted_at is not None
    assert status.customers_count == 1
    assert report.skipped["customer_deleted"] == 1
    assert report.resources["customers_deleted"].upserted == 1
    assert world.brevo_writes(before) == []
    assert contact(world.brevo.state(), "keep@example.com")["attributes"][
        "GORGIAS_ID"
    ] == str(keep["id"])


async def test_merged_customer_moves_tickets_to_target(world: World) -> None:
    source = add_customer(world.gorgias, "old@example.com")
    target = add_customer(world.gorgias, "new@example.com")
    world.gorgias.create_ticket(source["id"], subject="First")
    await world.engine().run(mode="full")
    world.clock.advance(60)
    world.gorgias.merge_customers(source["id"], target["id"])

    await world.engine().run(mode="incremental")

    state = world.brevo.state()
    assert contact(state, "new@example.com")["attributes"]["TICKET_COUNT"] == 1
    with world.store.transaction("gorgias", read_only=True) as tx:
        record = get_customer_record(tx, source["id"])
    assert record is not None
    assert record.merged_into_id == target["id"]
