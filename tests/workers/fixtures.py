"""The real-time world: both simulators and the receiver on loopback, a real store.

The Gorgias simulator has an HTTP integration registered (through tajo's own
`register_webhook`) that calls the receiver, so closing a ticket in the
simulator puts a delivery in the inbox exactly as Gorgias would. Everything
runs on the test's FakeClock except the deliveries themselves, which are real
HTTP calls on loopback; `deliver()` waits for them.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tajo.clock import Clock, FakeClock
from tajo.config import TajoConfig, parse_config
from tajo.gorgias import GorgiasClient
from tajo.redact import Secret
from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.brevo import create_app as brevo_app
from tajo.sandbox.gorgias import GorgiasSandbox
from tajo.sandbox.gorgias import create_app as gorgias_app
from tajo.sandbox.server import serve
from tajo.store import Store
from tajo.store.inbox_repo import QueueDepths, queue_depths
from tajo.sync import SyncEngine
from tajo.webhooks import create_webhook_app, register_webhook
from tajo.workers import EngineFactory, InboxSettings, WorkerPass, work_once

GORGIAS_EMAIL = "owner@example.com"
GORGIAS_KEY = "gorgias-fake-key-for-worker-tests"
BREVO_KEY = "xkeysib-fake-key-for-worker-tests"
SECRET = "worker-tests-shared-secret-0123456789"
ALL_LIST, SATISFIED_LIST, DISSATISFIED_LIST = 35, 36, 37
HEADER = "x-tajo-secret"
# An upsert, an update by identifier, or an import: never attributes or lists.
CONTACT_WRITE = re.compile(r"POST /v3/contacts(/import)?|PUT /v3/contacts/[^/]+")


def config_data(
    *,
    gorgias_url: str,
    brevo_url: str,
    database_url: str | None = None,
    public_url: str | None = None,
    **gorgias: Any,
) -> dict[str, Any]:
    """Return a `tajo.yaml` for the simulators, with the webhook section."""
    section: dict[str, Any] = {
        "domain": "yourstore.gorgias.com",
        "phone_region": "US",
        "email": GORGIAS_EMAIL,
        "api_key": GORGIAS_KEY,
        "base_url": gorgias_url,
        "sync": {
            "customers": True,
            "tickets": True,
            "satisfaction_surveys": True,
            "tags": True,
        },
        "lists": {
            "all_support_contacts": ALL_LIST,
            "satisfied_customers": SATISFIED_LIST,
            "dissatisfied_customers": DISSATISFIED_LIST,
        },
        "field_mapping": {
            "id": "GORGIAS_ID",
            "email": "email",
            "name": "FIRSTNAME",
            "nb_tickets": "TICKET_COUNT",
            "last_ticket_date": "LAST_SUPPORT_DATE",
            "last_ticket_channel": "LAST_SUPPORT_CHANNEL",
            "last_satisfaction_score": "CSAT_SCORE",
            "satisfaction_count": "CSAT_RESPONSES",
        },
        "webhook": {"secret": SECRET, "secret_header": HEADER},
    }
    if public_url is not None:
        section["webhook"]["public_url"] = public_url
    section.update(gorgias)
    data: dict[str, Any] = {
        "connectors": {"gorgias": section},
        "brevo": {"api_key": BREVO_KEY, "base_url": brevo_url},
    }
    if database_url is not None:
        data["state"] = {"database_url": database_url}
    return data


@contextlib.contextmanager
def simulators(
    *, clock: Clock | None = None, **gorgias_options: Any
) -> Iterator[tuple[GorgiasSandbox, BrevoSandbox, str, str]]:
    """Serve both simulators on loopback; on `clock` when given, else real time."""
    timing: dict[str, Any] = {}
    if clock is not None:
        timing = {"clock": clock.monotonic, "now": clock.now}
    gorgias = GorgiasSandbox(
        email=GORGIAS_EMAIL, api_key=GORGIAS_KEY, **timing, **gorgias_options
    )
    brevo = BrevoSandbox(api_key=BREVO_KEY, **timing)
    brevo.seed(
        lists=[
            {"id": ALL_LIST, "name": "Gorgias - support contacts"},
            {"id": SATISFIED_LIST, "name": "Gorgias - satisfied"},
            {"id": DISSATISFIED_LIST, "name": "Gorgias - dissatisfied"},
        ]
    )
    with gorgias, serve(gorgias_app(gorgias)) as g, serve(brevo_app(brevo)) as b:
        yield gorgias, brevo, f"{g.base_url}/api/", f"{b.base_url}/v3"


def gorgias_client(config: TajoConfig, clock: Clock) -> GorgiasClient:
    """Return a client for the simulated account in `config`."""
    return GorgiasClient(
        "yourstore",
        GORGIAS_EMAIL,
        Secret(GORGIAS_KEY),
        base_url=config.gorgias.base_url,
        clock=clock,
    )


@dataclass
class Realtime:
    """Simulators, store, receiver and a worker, wired as in production."""

    clock: FakeClock
    store: Store
    gorgias: GorgiasSandbox
    brevo: BrevoSandbox
    config: TajoConfig
    receiver_url: str
    factory: EngineFactory

    def deliver(self) -> None:
        """Wait until the simulator has made every pending webhook call."""
        assert self.gorgias.wait_for_deliveries(timeout=20)

    async def work(
        self, engine: SyncEngine, *, worker_id: str = "w1", max_passes: int = 20
    ) -> list[WorkerPass]:
        """Run worker passes until one finds nothing to do."""
        settings = InboxSettings(worker_id=worker_id)
        passes: list[WorkerPass] = []
        for _ in range(max_passes):
            result = await work_once(self.store, engine, settings, clock=self.clock)
            passes.append(result)
            if result.idle:
                return passes
        raise AssertionError(f"worker still busy after {max_passes} passes")

    def depths(self) -> QueueDepths:
        """Return the inbox and outbox depths."""
        with self.store.transaction("gorgias", read_only=True) as tx:
            return queue_depths(tx)

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """Return the events Brevo recorded, optionally of one name."""
        events: list[dict[str, Any]] = self.brevo.state()["events"]
        return [
            event for event in events if name is None or event["event_name"] == name
        ]

    def contact_writes(self) -> list[str]:
        """Return `METHOD path` of every contact write Brevo accepted."""
        return [
            f"{record.method} {record.path}"
            for record in self.brevo.requests
            if CONTACT_WRITE.fullmatch(f"{record.method} {record.path}")
            and record.status is not None
            and 200 <= record.status < 300
        ]

    def new_ticket(self, email: str, subject: str = "Where is my order?") -> int:
        """Create a customer and an open ticket in the simulator; return its id."""
        customer = self.gorgias.create_customer(email=email, name="Jane Doe")
        ticket = self.gorgias.create_ticket(customer["id"], subject=subject)
        return int(ticket["id"])


@pytest.fixture
async def realtime(store: Store, clock: FakeClock) -> AsyncIterator[Realtime]:
    """Both simulators, a receiver for `store`, and the webhook registered."""
    with simulators(clock=clock) as (gorgias, brevo, gorgias_url, brevo_url):
        config = parse_config(config_data(gorgias_url=gorgias_url, brevo_url=brevo_url))
        webhook = config.gorgias.webhook
        assert webhook is not None
        app = create_webhook_app(store=store, config=webhook, clock=clock)
        with serve(app) as receiver:
            async with gorgias_client(config, clock) as client:
                await register_webhook(
                    client,
                    public_url=f"{receiver.base_url}/webhooks/gorgias",
                    secret=webhook.secret,
                    header_name=HEADER,
                )
            yield Realtime(
                clock=clock,
                store=store,
                gorgias=gorgias,
                brevo=brevo,
                config=config,
                receiver_url=receiver.base_url,
                factory=EngineFactory(config, store, clock=clock),
            )


async def post_delivery(
    url: str, body: dict[str, Any], *, secret: str = SECRET
) -> httpx.Response:
    """Send one delivery to the receiver as Gorgias would."""
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.post(
            f"{url}/webhooks/gorgias", json=body, headers={HEADER: secret}
        )
