"""The library client on the simulators: events, handlers, status, campaigns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tests.workers.fixtures import HEADER, SECRET, config_data, simulators

from tajo.api import Tajo
from tajo.clock import FakeClock
from tajo.config import parse_config
from tajo.credentials import KeyRing, load_connection
from tajo.errors import ConfigError
from tajo.mapping import Transition
from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.gorgias import GorgiasSandbox
from tajo.store import Store, get_emitted_event, list_failed_records
from tajo.webhooks import DeliveryRejected

TRIGGERS = [
    {
        "name": "csat-followup",
        "on": "satisfaction_survey.responded",
        "conditions": {"satisfaction_score": {"gte": 4}},
        "target": {
            "brevo_event": "POST_SUPPORT_UPSELL",
            "params": {"agent": "{{agent_name}}", "note": "thanks {{agent_name}}"},
        },
    },
    {
        "name": "apology",
        "on": "ticket.reopened",
        "target": {"template_id": 12, "params": {"subject": "{{ticket_subject}}"}},
    },
]


@dataclass
class World:
    """A library client on both simulators, and what the handlers saw."""

    client: Tajo
    gorgias: GorgiasSandbox
    brevo: BrevoSandbox
    store: Store
    seen: list[Transition]

    def closed_ticket(self, email: str = "jane@example.com") -> int:
        customer = self.gorgias.create_customer(email=email, name="Jane Doe")
        ticket = self.gorgias.create_ticket(customer["id"], subject="Lost parcel")
        self.gorgias.close_ticket(ticket["id"])
        return int(ticket["id"])

    def events(self, name: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.brevo.state()["events"]
        return [event for event in found if event["event_name"] == name]


@pytest.fixture
def keyring() -> KeyRing:
    """Encryption keys for stored credentials, from a fake environment."""
    key = Fernet.generate_key().decode()
    return KeyRing.load(environ={"TAJO_ENCRYPTION_KEY": key})


@pytest.fixture
def served(clock: FakeClock) -> Iterator[tuple[GorgiasSandbox, BrevoSandbox, str, str]]:
    """Both simulators on loopback, on the test's clock."""
    with simulators(clock=clock) as running:
        yield running


@pytest.fixture
async def world(
    store: Store,
    clock: FakeClock,
    keyring: KeyRing,
    served: tuple[GorgiasSandbox, BrevoSandbox, str, str],
) -> AsyncIterator[World]:
    """A client with a handler on ticket.closed that records its calls."""
    gorgias, brevo, gorgias_url, brevo_url = served
    config = parse_config(
        config_data(gorgias_url=gorgias_url, brevo_url=brevo_url, triggers=TRIGGERS)
    )
    seen: list[Transition] = []
    async with Tajo(config, store=store, clock=clock, keyring=keyring) as client:

        @client.connectors.on("gorgias", "ticket.closed")
        async def record(transition: Transition) -> None:
            seen.append(transition)

        yield World(client, gorgias, brevo, store, seen)


async def test_handle_event_sends_brevo_event(world: World) -> None:
    ticket_id = world.closed_ticket()
    outcome = await world.client.connectors.handle_event(
        "gorgias", {"ticket_id": str(ticket_id)}
    )
    assert outcome.transitions == ("ticket.created", "ticket.closed")
    assert len(world.events("SUPPORT_TICKET_RESOLVED")) == 1


async def test_handler_runs_once_for_duplicates(world: World) -> None:
    ticket_id = world.closed_ticket()
    for _ in range(4):
        await world.client.connectors.handle_event(
            "gorgias", {"ticket_id": str(ticket_id)}
        )
    assert [(t.kind, t.ticket_id) for t in world.seen] == [("ticket.closed", ticket_id)]


async def test_handler_transition_key_is_the_event_key(world: World) -> None:
    ticket_id = world.closed_ticket()
    await world.client.connectors.handle_event("gorgias", {"ticket_id": ticket_id})
    [transition] = world.seen
    with world.store.transaction("gorgias", read_only=True) as tx:
        ledger = get_emitted_event(tx, transition.idempotency_key)
    assert ledger is not None
    assert ledger.event_name == "SUPPORT_TICKET_RESOLVED"


async def test_sync_handler_gets_plain_function(world: World) -> None:
    calls: list[str] = []
    world.client.connectors.on("gorgias", "ticket.created")(
        lambda transition: calls.append(transition.kind)
    )
    ticket_id = world.closed_ticket()
    await world.client.connectors.handle_event("gorgias", {"ticket_id": ticket_id})
    assert calls == ["ticket.created"]


async def test_failing_handler_recorded_and_others_run(world: World) -> None:
    def broken(transition: Transition) -> None:
        raise RuntimeError("handler bug")

    world.client.connectors.on("gorgias", "ticket.closed")(broken)
    ticket_id = world.closed_ticket()
    await world.client.connectors.handle_event("gorgias", {"ticket_id": ticket_id})
    with world.store.transaction("gorgias", read_only=True) as tx:
        [entry] = list_failed_records(tx, source="webhook")
    assert entry.reason == "handler_failed"
    assert len(world.seen) == 1


async def test_handle_event_raw_body(world: World) -> None:
    ticket_id = world.closed_ticket()
    outcome = await world.client.connectors.handle_event(
        "gorgias", f'{{"ticket_id": "{ticket_id}"}}'
    )
    assert outcome.status == "updated"


async def test_handle_event_invalid_body_rejected(world: World) -> None:
    with pytest.raises(DeliveryRejected) as caught:
        await world.client.connectors.handle_event("gorgias", b"{not json")
    assert caught.value.status == 400


def request_app(client: Tajo) -> Starlette:
    async def hook(request: Request) -> Response:
        try:
            outcome = await client.connectors.handle_event("gorgias", request)
        except DeliveryRejected as exc:
            return JSONResponse({"error": exc.reason}, status_code=exc.status)
        return JSONResponse({"status": outcome.status})

    return Starlette(routes=[Route("/hook", hook, methods=["POST"])])


async def test_handle_event_request_needs_secret(world: World) -> None:
    ticket_id = world.closed_ticket()
    transport = httpx.ASGITransport(app=request_app(world.client))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        rejected = await http.post("/hook", json={"ticket_id": str(ticket_id)})
        accepted = await http.post(
            "/hook", json={"ticket_id": str(ticket_id)}, headers={HEADER: SECRET}
        )
    assert rejected.status_code == 401
    assert accepted.json() == {"status": "updated"}


def test_on_unknown_kind_rejected(world: World) -> None:
    with pytest.raises(ConfigError, match=r"ticket\.solved"):
        world.client.connectors.on("gorgias", "ticket.solved")


def test_unknown_connector_rejected(world: World) -> None:
    with pytest.raises(ConfigError, match="zendesk"):
        world.client.connectors.status("zendesk")


async def test_status_after_event(world: World) -> None:
    await world.client.connectors.handle_event(
        "gorgias", {"ticket_id": world.closed_ticket()}
    )
    status = world.client.connectors.status("gorgias")
    assert (status.connected, status.tickets_tracked, status.inbox_pending) == (
        True,
        1,
        0,
    )
    assert status.as_dict()["ticketsTracked"] == 1


async def test_sync_through_library(world: World) -> None:
    world.closed_ticket()
    report = await world.client.connectors.sync("gorgias", mode="full")
    assert report.events_sent >= 2
    assert world.client.connectors.status("gorgias").last_sync is not None


def test_connect_stores_encrypted_credentials(world: World, keyring: KeyRing) -> None:
    world.client.connectors.connect(
        "gorgias",
        domain="yourstore.gorgias.com",
        api_key="stored-gorgias-key-0001",
        email="owner@example.com",
    )
    stored = load_connection(world.store, "gorgias", keyring=keyring)
    assert stored.api_key.reveal() == "stored-gorgias-key-0001"


def test_connect_other_domain_rejected(world: World) -> None:
    with pytest.raises(ConfigError, match="mismatch"):
        world.client.connectors.connect(
            "gorgias", domain="otherstore.gorgias.com", api_key="k" * 20
        )


async def test_campaign_trigger_sends_event_with_params(world: World) -> None:
    await world.client.campaigns.trigger(
        "csat-followup", email="Jane@Example.com", params={"agent_name": "Alex"}
    )
    [event] = world.events("POST_SUPPORT_UPSELL")
    assert event["identifiers"] == {"email_id": "jane@example.com"}
    assert event["event_properties"]["agent"] == "Alex"
    assert event["event_properties"]["note"] == "thanks Alex"


async def test_campaign_trigger_sends_template_email(world: World) -> None:
    await world.client.campaigns.trigger(
        "apology", email="jane@example.com", params={"ticket_subject": "Late"}
    )
    [email] = world.brevo.state()["emails"]
    assert email["templateId"] == 12
    assert email["params"]["subject"] == "Late"


async def test_campaign_unknown_trigger_lists_names(world: World) -> None:
    with pytest.raises(ConfigError, match="csat-followup, apology"):
        await world.client.campaigns.trigger("upsell", email="jane@example.com")


async def test_campaign_invalid_email_rejected(world: World) -> None:
    with pytest.raises(ConfigError, match="invalid email"):
        await world.client.campaigns.trigger("apology", email="not-an-address")


async def test_asgi_app_and_worker_run_handlers(world: World) -> None:
    ticket_id = world.closed_ticket()
    stop = asyncio.Event()
    world.client.connectors.on("gorgias", "ticket.closed")(lambda _t: stop.set())
    transport = httpx.ASGITransport(app=world.client.asgi_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        response = await http.post(
            "/webhooks/gorgias",
            json={"ticket_id": str(ticket_id)},
            headers={HEADER: SECRET},
        )
    await asyncio.wait_for(world.client.run_worker(stop), 60)
    assert response.status_code == 202
    assert [t.ticket_id for t in world.seen] == [ticket_id]
