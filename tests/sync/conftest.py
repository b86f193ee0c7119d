"""Fixtures of the sync tests: both simulators on loopback, a real store.

`world` serves an empty Gorgias account and a Brevo account with the
configured lists, both on the test's FakeClock, so every rate-limit wait is
virtual. Tests seed the Gorgias side, build an engine and read the Brevo
side back with `brevo.state()`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.fixtures.store import (  # noqa: F401 (fixtures are found by name)
    postgres_server_url,
    postgres_url,
    sqlite_url,
    store,
    store_url,
)

from tajo.brevo import BrevoClient
from tajo.clock import FakeClock
from tajo.config import DEFAULT_FIELD_MAPPING, TajoConfig, parse_config
from tajo.gorgias import GorgiasClient
from tajo.http import Backoff
from tajo.redact import Secret
from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.brevo import create_app as brevo_app
from tajo.sandbox.gorgias import GorgiasSandbox
from tajo.sandbox.gorgias import create_app as gorgias_app
from tajo.sandbox.server import serve
from tajo.store import Store
from tajo.sync import SyncEngine

GORGIAS_EMAIL = "owner@example.com"
GORGIAS_KEY = "gorgias-fake-key-for-sync-tests"
BREVO_KEY = "xkeysib-fake-key-for-tests"
ALL_LIST, SATISFIED_LIST, DISSATISFIED_LIST, VIP_LIST = 35, 36, 37, 40


def config_data(**gorgias: Any) -> dict[str, Any]:
    """Return the published `tajo.yaml` shape plus the additions the sync needs."""
    section: dict[str, Any] = {
        "domain": "yourstore.gorgias.com",
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
            **DEFAULT_FIELD_MAPPING,
            # Customer custom fields, as in the published example.
            "customer_type": "CUSTOMER_TYPE",
            "vip_status": "VIP_STATUS",
        },
        "tag_lists": {"vip": VIP_LIST},
        "phone_region": "US",
    }
    section.update(gorgias)
    return {"connectors": {"gorgias": section}, "brevo": {"api_key": BREVO_KEY}}


@dataclass
class World:
    """Both simulated accounts on loopback, the store, and engine factories."""

    clock: FakeClock
    store: Store
    gorgias: GorgiasSandbox
    brevo: BrevoSandbox
    gorgias_url: str
    brevo_url: str
    config: TajoConfig
    _clients: list[GorgiasClient | BrevoClient] = field(default_factory=list)

    def configure(self, **gorgias: Any) -> TajoConfig:
        """Replace the configuration's Gorgias section keys."""
        self.config = parse_config(config_data(**gorgias))
        return self.config

    def engine(self, **options: Any) -> SyncEngine:
        """Build an engine with fresh clients of both simulators."""
        gorgias = GorgiasClient(
            "yourstore",
            GORGIAS_EMAIL,
            Secret(GORGIAS_KEY),
            base_url=self.gorgias_url,
            clock=self.clock,
            backoff=Backoff(random=lambda: 1.0),
        )
        brevo = BrevoClient(
            Secret(BREVO_KEY),
            base_url=self.brevo_url,
            clock=self.clock,
            backoff=Backoff(random=lambda: 1.0),
        )
        self._clients += [gorgias, brevo]
        return SyncEngine(
            config=self.config,
            store=self.store,
            gorgias=gorgias,
            brevo=brevo,
            clock=self.clock,
            **options,
        )

    def gorgias_paths(self, since: int = 0) -> list[str]:
        """Return the Gorgias paths requested after the first `since` requests."""
        return [record.path for record in self.gorgias.requests[since:]]

    def brevo_writes(self, since: int = 0) -> list[str]:
        """Return `METHOD path` of every Brevo request that is not a read."""
        return [
            f"{r.method} {r.path}"
            for r in self.brevo.requests[since:]
            if r.method != "GET"
        ]

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


@contextlib.contextmanager
def simulators(
    clock: FakeClock, **gorgias_options: Any
) -> Iterator[tuple[GorgiasSandbox, BrevoSandbox, str, str]]:
    """Serve a Gorgias and a Brevo simulator on loopback, on `clock`."""
    gorgias = GorgiasSandbox(
        email=GORGIAS_EMAIL,
        api_key=GORGIAS_KEY,
        clock=clock.monotonic,
        now=clock.now,
        **gorgias_options,
    )
    brevo = BrevoSandbox(api_key=BREVO_KEY, clock=clock.monotonic, now=clock.now)
    brevo.seed(
        lists=[
            {"id": ALL_LIST, "name": "Gorgias - support contacts"},
            {"id": SATISFIED_LIST, "name": "Gorgias - satisfied"},
            {"id": DISSATISFIED_LIST, "name": "Gorgias - dissatisfied"},
            {"id": VIP_LIST, "name": "Gorgias - vip"},
        ]
    )
    with gorgias, serve(gorgias_app(gorgias)) as g, serve(brevo_app(brevo)) as b:
        yield gorgias, brevo, g.base_url, f"{b.base_url}/v3"


@contextlib.contextmanager
def open_world(state_store: Store, clock: FakeClock) -> Iterator[World]:
    """Serve both simulators and return the world around them and the store."""
    with simulators(clock) as (gorgias, brevo, gorgias_url, brevo_url):
        yield World(
            clock=clock,
            store=state_store,
            gorgias=gorgias,
            brevo=brevo,
            gorgias_url=gorgias_url,
            brevo_url=brevo_url,
            config=parse_config(config_data()),
        )


@pytest.fixture
async def world(store: Store, clock: FakeClock) -> AsyncIterator[World]:  # noqa: F811
    """An empty Gorgias account, a Brevo account with lists, and the store."""
    with open_world(store, clock) as setup:
        try:
            yield setup
        finally:
            await setup.close()
