"""`serve` end to end on loopback in real time, and `run_workers` stopping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from tests.workers.fixtures import HEADER, config_data, gorgias_client, simulators

from tajo.clock import SystemClock
from tajo.config import parse_config
from tajo.datetimes import parse_datetime
from tajo.errors import ConfigError
from tajo.store import Store
from tajo.sync import TicketOutcome
from tajo.webhooks import register_webhook
from tajo.workers import run_workers, serve

# Generous bounds for a loaded CI machine; they only stop a hung test.
WAIT_SECONDS = 60.0


@pytest.fixture
def real_store(store_url: str) -> Iterator[Store]:
    """A store on the wall clock, for tests that run in real time."""
    opened = Store.open(store_url, clock=SystemClock())
    try:
        yield opened
    finally:
        opened.close()


class Outcomes:
    """Collects the outcomes the workers report, and wakes waiters."""

    def __init__(self) -> None:
        self.seen: list[TicketOutcome] = []
        self.changed = asyncio.Event()

    async def __call__(self, outcome: TicketOutcome) -> None:
        self.seen.append(outcome)
        self.changed.set()

    async def wait_for(self, ticket_id: int, kind: str) -> TicketOutcome:
        while True:
            for outcome in self.seen:
                if outcome.ticket_id == ticket_id and kind in outcome.transitions:
                    return outcome
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), WAIT_SECONDS)


async def test_serve_close_reaches_brevo_over_loopback(
    real_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = Outcomes()
    stop = asyncio.Event()
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    with simulators() as (gorgias, brevo, gorgias_url, brevo_url):
        config = parse_config(config_data(gorgias_url=gorgias_url, brevo_url=brevo_url))
        service = asyncio.create_task(
            serve(
                config,
                port=0,
                store=real_store,
                sync_every=None,
                stop=stop,
                on_listening=listening.set_result,
                on_outcome=outcomes,
            )
        )
        base_url = await asyncio.wait_for(listening, WAIT_SECONDS)
        webhook = config.gorgias.webhook
        assert webhook is not None
        async with gorgias_client(config, SystemClock()) as client:
            await register_webhook(
                client,
                public_url=f"{base_url}/webhooks/gorgias",
                secret=webhook.secret,
                header_name=HEADER,
            )
        customer = gorgias.create_customer(email="jane@example.com", name="Jane Doe")
        ticket_id = int(gorgias.create_ticket(customer["id"], subject="Late")["id"])
        await outcomes.wait_for(ticket_id, "ticket.created")
        started = time.perf_counter()
        closed = gorgias.close_ticket(ticket_id)
        await outcomes.wait_for(ticket_id, "ticket.closed")
        delay = time.perf_counter() - started
        stop.set()
        await asyncio.wait_for(service, WAIT_SECONDS)
        events = brevo.state()["events"]
        contact = brevo.find_contact(email="jane@example.com")
    with capsys.disabled():
        print(f"\nwebhook close -> Brevo event delay: {delay * 1000:.0f} ms")
    [resolved] = [e for e in events if e["event_name"] == "SUPPORT_TICKET_RESOLVED"]
    assert parse_datetime(resolved["event_date"]) == parse_datetime(
        closed["closed_datetime"]
    )
    assert contact is not None
    assert contact["attributes"]["TICKET_COUNT"] == 1


async def test_serve_without_webhook_section_fails(real_store: Store) -> None:
    data = config_data(gorgias_url="http://127.0.0.1:9/api/", brevo_url="x")
    del data["connectors"]["gorgias"]["webhook"]
    data["brevo"]["base_url"] = "http://127.0.0.1:9/v3"
    with pytest.raises(ConfigError, match="webhook"):
        await serve(parse_config(data), store=real_store, port=0)


async def test_run_workers_returns_when_stopped(real_store: Store) -> None:
    config = parse_config(
        config_data(
            gorgias_url="http://127.0.0.1:9/api/", brevo_url="http://127.0.0.1:9/v3"
        )
    )
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_workers(config, count=2, store=real_store, sync_every=None, stop=stop)
    )
    await asyncio.sleep(0)
    stop.set()
    await asyncio.wait_for(task, WAIT_SECONDS)
    assert task.done()


async def test_run_workers_rejects_zero_count(real_store: Store) -> None:
    config = parse_config(
        config_data(
            gorgias_url="http://127.0.0.1:9/api/", brevo_url="http://127.0.0.1:9/v3"
        )
    )
    with pytest.raises(ConfigError, match="count"):
        await run_workers(config, count=0, store=real_store)
