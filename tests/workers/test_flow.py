"""Webhook deliveries through the worker to Brevo, on the simulators.

Each test changes the simulated Gorgias account, lets its HTTP integration
call the receiver on loopback, runs worker passes and reads Brevo back.
"""

from __future__ import annotations

from datetime import timedelta

from tests.workers.fixtures import (
    Realtime,
    config_data,
    gorgias_client,
    post_delivery,
)

from tajo.config import parse_config
from tajo.datetimes import parse_datetime
from tajo.store import get_ticket, list_failed_records
from tajo.webhooks import unregister_webhook
from tajo.workers import EngineFactory, requeue_ticket


def closing_body(ticket: dict[str, object]) -> dict[str, str]:
    """The templated body Gorgias renders for a ticket update."""
    return {
        "ticket_id": str(ticket["id"]),
        "event_type": "ticket-updated",
        "ticket_status": str(ticket["status"]),
        "ticket_updated_datetime": str(ticket["updated_datetime"]),
    }


async def test_worker_close_sends_resolved_event_at_close_time(
    realtime: Realtime,
) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    realtime.clock.advance(600)
    closed = realtime.gorgias.close_ticket(ticket_id)
    realtime.deliver()
    async with realtime.factory() as engine:
        await realtime.work(engine)
    [resolved] = realtime.events("SUPPORT_TICKET_RESOLVED")
    assert parse_datetime(resolved["event_date"]) == parse_datetime(
        closed["closed_datetime"]
    )


async def test_worker_close_updates_contact_attributes(realtime: Realtime) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    realtime.gorgias.close_ticket(ticket_id)
    realtime.deliver()
    async with realtime.factory() as engine:
        await realtime.work(engine)
    contact = realtime.brevo.find_contact(email="jane@example.com")
    assert contact is not None
    assert contact["attributes"]["TICKET_COUNT"] == 1
    assert contact["attributes"]["LAST_SUPPORT_CHANNEL"] == "email"


async def test_worker_empties_inbox(realtime: Realtime) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    realtime.gorgias.close_ticket(ticket_id)
    realtime.deliver()
    async with realtime.factory() as engine:
        await realtime.work(engine)
    assert realtime.depths().inbox == 0


async def test_duplicates_and_poll_send_once(
    realtime: Realtime,
) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    closed = realtime.gorgias.close_ticket(ticket_id)
    realtime.deliver()
    async with realtime.factory() as engine:
        for batch in (2, 3):
            for _ in range(batch):
                realtime.clock.advance(10)
                response = await post_delivery(
                    realtime.receiver_url, closing_body(closed)
                )
                assert response.status_code == 202
            await realtime.work(engine)
        await engine.run(mode="incremental")
    assert len(realtime.events("SUPPORT_TICKET_RESOLVED")) == 1
    assert len(realtime.events("SUPPORT_TICKET_OPENED")) == 1
    assert realtime.contact_writes() == ["POST /v3/contacts"]


async def test_out_of_order_deliveries_keep_latest_state(realtime: Realtime) -> None:
    # Created at T, an agent reply at T+2 min (still open), closed at T+5 min.
    # Gorgias delivers "closed" first, then "created", then the T+2 update.
    async with gorgias_client(realtime.config, realtime.clock) as client:
        await unregister_webhook(client)
    customer = realtime.gorgias.create_customer(email="jane@example.com", name="Jane")
    created = realtime.gorgias.create_ticket(customer["id"], subject="Broken mug")
    ticket_id = int(created["id"])
    created_body = closing_body(created) | {"event_type": "ticket-created"}

    realtime.clock.advance(120)
    realtime.gorgias.add_message(ticket_id, from_agent=True, body="Sending a new one")
    current = realtime.gorgias.store.get("tickets", ticket_id)
    assert current is not None
    reply_body = closing_body(current)

    realtime.clock.advance(180)
    closed = realtime.gorgias.close_ticket(ticket_id)
    stored_states = []
    async with realtime.factory() as engine:
        for body in (closing_body(closed), created_body, reply_body):
            await post_delivery(realtime.receiver_url, body)
            await realtime.work(engine)
            with realtime.store.transaction("gorgias", read_only=True) as tx:
                stored = get_ticket(tx, ticket_id)
            assert stored is not None
            stored_states.append((stored.status, stored.updated_at))

    final = ("closed", parse_datetime(closed["updated_datetime"]))
    [resolved] = realtime.events("SUPPORT_TICKET_RESOLVED")
    assert stored_states == [final, final, final]
    assert parse_datetime(resolved["event_date"]) == parse_datetime(
        closed["closed_datetime"]
    )
    assert resolved["event_properties"]["resolution_minutes"] == 5.0
    assert len(realtime.events("SUPPORT_TICKET_OPENED")) == 1
    assert realtime.contact_writes() == ["POST /v3/contacts"]


async def test_brevo_down_deliveries_accepted_then_each_effect_once(
    realtime: Realtime,
) -> None:
    realtime.brevo.set_down(True)
    first = realtime.new_ticket("jane@example.com")
    second = realtime.new_ticket("omar@example.com")
    realtime.gorgias.close_ticket(first)
    realtime.gorgias.close_ticket(second)
    realtime.deliver()
    accepted = [d.status for d in realtime.gorgias.deliveries]
    async with realtime.factory() as engine:
        await realtime.work(engine)
        realtime.clock.advance(1800)
        await realtime.work(engine)
        realtime.brevo.set_down(False)
        for _ in range(6):
            realtime.clock.advance(1800)
            await realtime.work(engine)
    assert accepted == [202] * 4
    assert len(realtime.events("SUPPORT_TICKET_OPENED")) == 2
    assert len(realtime.events("SUPPORT_TICKET_RESOLVED")) == 2
    assert sorted(realtime.contact_writes()) == ["POST /v3/contacts"] * 2
    assert realtime.depths().inbox == 0


async def test_trigger_fires_once_per_close(realtime: Realtime) -> None:
    trigger = {
        "name": "post-support-thanks",
        "on": "ticket.closed",
        "target": {"brevo_event": "POST_SUPPORT_THANKS"},
    }
    config = parse_config(
        config_data(
            gorgias_url=str(realtime.config.gorgias.base_url),
            brevo_url=str(realtime.config.brevo.base_url),
            triggers=[trigger],
        )
    )
    factory = EngineFactory(config, realtime.store, clock=realtime.clock)
    ticket_id = realtime.new_ticket("jane@example.com")
    closed = realtime.gorgias.close_ticket(ticket_id)
    realtime.deliver()
    async with factory() as engine:
        for _ in range(3):
            await post_delivery(realtime.receiver_url, closing_body(closed))
        await realtime.work(engine)
        await engine.run(mode="incremental")
        await post_delivery(realtime.receiver_url, closing_body(closed))
        await realtime.work(engine)
    assert len(realtime.events("POST_SUPPORT_THANKS")) == 1


async def test_trigger_fires_again_after_reopen_and_close(realtime: Realtime) -> None:
    trigger = {
        "name": "post-support-thanks",
        "on": "ticket.closed",
        "target": {"brevo_event": "POST_SUPPORT_THANKS"},
    }
    config = parse_config(
        config_data(
            gorgias_url=str(realtime.config.gorgias.base_url),
            brevo_url=str(realtime.config.brevo.base_url),
            triggers=[trigger],
        )
    )
    factory = EngineFactory(config, realtime.store, clock=realtime.clock)
    ticket_id = realtime.new_ticket("jane@example.com")
    async with factory() as engine:
        for change in ("close", "reopen", "close"):
            realtime.clock.advance(60)
            if change == "close":
                realtime.gorgias.close_ticket(ticket_id)
            else:
                realtime.gorgias.reopen_ticket(ticket_id)
            realtime.deliver()
            await realtime.work(engine)
    assert len(realtime.events("POST_SUPPORT_THANKS")) == 2


async def test_gorgias_failures_retry_with_backoff(realtime: Realtime) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    realtime.deliver()
    realtime.gorgias.inject_fault(
        "server_error", count=5, path_prefix=f"/api/tickets/{ticket_id}"
    )
    async with realtime.factory() as engine:
        await realtime.work(engine)
        waiting = realtime.depths().inbox
        realtime.clock.advance(timedelta(hours=1).total_seconds())
        await realtime.work(engine)
    assert waiting == 1
    assert len(realtime.events("SUPPORT_TICKET_OPENED")) == 1


async def test_gorgias_outage_ledger_then_replay(
    realtime: Realtime,
) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    realtime.deliver()
    realtime.gorgias.inject_fault(
        "server_error", count=10_000, path_prefix=f"/api/tickets/{ticket_id}"
    )
    async with realtime.factory() as engine:
        for _ in range(12):
            await realtime.work(engine)
            realtime.clock.advance(3600)
        with realtime.store.transaction("gorgias", read_only=True) as tx:
            [entry] = list_failed_records(tx)
        realtime.gorgias.faults.clear()
        report = await engine.replay_failed([entry.id])
    assert (entry.source, entry.record_type) == ("sync", "ticket")
    assert entry.record_id == str(ticket_id)
    assert report.resolved == (entry.id,)
    assert len(realtime.events("SUPPORT_TICKET_OPENED")) == 1


async def test_requeued_ticket_processed(realtime: Realtime) -> None:
    async with gorgias_client(realtime.config, realtime.clock) as client:
        await unregister_webhook(client)
    ticket_id = realtime.new_ticket("jane@example.com")
    requeue_ticket(realtime.store, ticket_id)
    async with realtime.factory() as engine:
        await realtime.work(engine)
    assert len(realtime.events("SUPPORT_TICKET_OPENED")) == 1


async def test_deleted_ticket_delivery_is_done(realtime: Realtime) -> None:
    ticket_id = realtime.new_ticket("jane@example.com")
    realtime.deliver()
    realtime.gorgias.delete_ticket(ticket_id)
    async with realtime.factory() as engine:
        await realtime.work(engine)
    assert realtime.depths().inbox == 0


async def test_deliveries_of_one_ticket_fetch_it_once(realtime: Realtime) -> None:
    async with gorgias_client(realtime.config, realtime.clock) as client:
        await unregister_webhook(client)
    ticket_id = realtime.new_ticket("jane@example.com")
    for _ in range(5):
        await post_delivery(realtime.receiver_url, {"ticket_id": str(ticket_id)})
    async with realtime.factory() as engine:
        [first, *_] = await realtime.work(engine)
    fetches = [
        record
        for record in realtime.gorgias.requests
        if record.path.rstrip("/") == f"/api/tickets/{ticket_id}"
    ]
    assert (first.inbox.deliveries, first.inbox.tickets) == (5, 1)
    assert len(fetches) == 1
