"""Records that fail go to the ledger, the run goes on, and replay repairs them."""

from __future__ import annotations

from tajo.store import list_failed_records

from .conftest import World
from .helpers import add_customer, contact, events_named


def raw_customer(customer_id: int, updated: str) -> dict[str, object]:
    return {
        "id": customer_id,
        "email": f"raw{customer_id}@example.com",
        "name": "Raw Customer",
        "channels": [],
        "created_datetime": "2026-08-01T09:00:00+00:00",
        "updated_datetime": updated,
    }


async def test_unparsable_customer_goes_to_ledger(world: World) -> None:
    world.gorgias.seed_objects(
        customers=[
            raw_customer(11, "2026-08-10T09:00:00+00:00"),
            raw_customer(12, "last tuesday"),
        ]
    )

    report = await world.engine().run(mode="full")

    with world.store.transaction("gorgias", read_only=True) as tx:
        entries = list_failed_records(tx)
    assert [(e.record_type, e.record_id, e.reason) for e in entries] == [
        ("customer", "12", "invalid_record")
    ]
    assert report.failed_record_ids == (entries[0].id,)
    assert [c["email"] for c in world.brevo.state()["contacts"]] == [
        "raw11@example.com"
    ]


async def test_replay_refetches_repaired_customer(world: World) -> None:
    world.gorgias.seed_objects(customers=[raw_customer(12, "last tuesday")])
    engine = world.engine()
    await engine.run(mode="full")
    world.gorgias.seed_objects(customers=[raw_customer(12, "2026-08-11T09:00:00")])

    replay = await engine.replay_failed()

    assert len(replay.resolved) == 1
    assert replay.still_failing == ()
    assert (
        contact(world.brevo.state(), "raw12@example.com")["attributes"]["GORGIAS_ID"]
        == "12"
    )


async def test_failed_events_replay_after_brevo_recovers(world: World) -> None:
    customer = add_customer(world.gorgias)
    world.gorgias.create_ticket(customer["id"], subject="Mug")
    world.brevo.inject_fault("server_error", count=50, path_prefix="/v3/events")
    engine = world.engine()

    report = await engine.run(mode="full")

    assert report.events_sent == 0
    assert report.failures == 2
    world.brevo.clear_faults()
    replay = await engine.replay_failed(report.failed_record_ids)
    state = world.brevo.state()
    assert len(replay.resolved) == 2
    assert len(events_named(state, "SUPPORT_TICKET_OPENED")) == 1
    assert len(events_named(state, "SUPPORT_CUSTOMER_CREATED")) == 1


async def test_sms_owned_by_other_contact_falls_back(world: World) -> None:
    world.brevo.seed(
        contacts=[{"email": "other@example.com", "attributes": {"SMS": "+15555550199"}}]
    )
    add_customer(world.gorgias, phone="+1 555 555 0199")

    report = await world.engine().run(mode="full")

    state = world.brevo.state()
    assert "SMS" not in contact(state, "ada@example.com")["attributes"]
    assert contact(state, "other@example.com")["attributes"]["SMS"] == "15555550199"
    with world.store.transaction("gorgias", read_only=True) as tx:
        reasons = [entry.reason for entry in list_failed_records(tx)]
    assert reasons == ["sms_conflict"]
    assert report.contacts_written == 1
