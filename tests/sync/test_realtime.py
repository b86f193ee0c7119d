"""The real-time path: one ticket re-read, planned and sent, exactly once."""

from __future__ import annotations

from datetime import datetime

from .conftest import World
from .helpers import add_customer, contact, events_named, same_instant


def with_open_tickets(world: World) -> None:
    mapping = {
        "id": "GORGIAS_ID",
        "email": "email",
        "nb_tickets": "TICKET_COUNT",
        "open_tickets": "OPEN_TICKETS",
    }
    world.configure(field_mapping=mapping)


async def test_closed_ticket_sends_resolved_once(world: World) -> None:
    with_open_tickets(world)
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Broken mug")
    engine = world.engine()
    await engine.run(mode="full")
    world.clock.advance(3600)
    closed = world.gorgias.close_ticket(ticket["id"])

    outcome = await engine.process_ticket_change(ticket["id"], source="webhook")

    state = world.brevo.state()
    resolved = events_named(state, "SUPPORT_TICKET_RESOLVED")
    assert len(resolved) == 1
    assert same_instant(
        resolved[0]["event_date"], datetime.fromisoformat(closed["closed_datetime"])
    )
    assert resolved[0]["identifiers"] == {"email_id": "ada@example.com"}
    assert contact(state, "ada@example.com")["attributes"]["OPEN_TICKETS"] == 0
    assert outcome.status == "updated"
    assert outcome.transitions == ("ticket.closed",)


async def test_second_call_and_sync_send_nothing_more(world: World) -> None:
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Broken mug")
    engine = world.engine()
    await engine.run(mode="full")
    world.clock.advance(3600)
    world.gorgias.close_ticket(ticket["id"])
    await engine.process_ticket_change(ticket["id"], source="webhook")
    before = len(world.brevo.requests)

    again = await engine.process_ticket_change(ticket["id"], source="webhook")
    await world.engine().run(mode="incremental")

    assert world.brevo_writes(before) == []
    assert again.status == "unchanged"
    assert len(events_named(world.brevo.state(), "SUPPORT_TICKET_RESOLVED")) == 1


async def test_new_ticket_before_any_sync_creates_contact_and_event(
    world: World,
) -> None:
    customer = add_customer(world.gorgias, "new@example.com")
    ticket = world.gorgias.create_ticket(customer["id"], subject="Hello")

    outcome = await world.engine().process_ticket_change(ticket["id"], source="webhook")

    state = world.brevo.state()
    assert contact(state, "new@example.com")["attributes"]["TICKET_COUNT"] == 1
    assert len(events_named(state, "SUPPORT_TICKET_OPENED")) == 1
    assert outcome.drain.contacts_written == 1


async def test_deleted_ticket_stops_counting(world: World) -> None:
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Oops")
    engine = world.engine()
    await engine.run(mode="full")
    world.gorgias.delete_ticket(ticket["id"])

    outcome = await engine.process_ticket_change(ticket["id"], source="webhook")

    person = contact(world.brevo.state(), "ada@example.com")
    assert outcome.status == "deleted"
    assert person["attributes"]["TICKET_COUNT"] == 0


async def test_close_then_reopen_sends_each_once(world: World) -> None:
    customer = add_customer(world.gorgias)
    ticket = world.gorgias.create_ticket(customer["id"], subject="Mug")
    engine = world.engine()
    await engine.run(mode="full")
    world.clock.advance(60)
    world.gorgias.close_ticket(ticket["id"])
    await engine.process_ticket_change(ticket["id"], source="webhook")
    world.clock.advance(60)
    world.gorgias.reopen_ticket(ticket["id"])
    await engine.process_ticket_change(ticket["id"], source="webhook")

    await world.engine().run(mode="incremental")

    state = world.brevo.state()
    assert len(events_named(state, "SUPPORT_TICKET_RESOLVED")) == 1
    assert len(events_named(state, "SUPPORT_TICKET_REOPENED")) == 1
