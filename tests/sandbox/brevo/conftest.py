"""Fixtures for the Brevo simulator tests.

`reference/` contains example Brevo exchanges (request and response halves) in
the format `{"method", "path", "query"?, "headers", "body"}` or
`{"status", "headers", "body"}`. Their personal data is fake.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.brevo import BrevoSandbox, create_app

API_KEY = "xkeysib-fake-key-for-tests"
REFERENCE = Path(__file__).parent / "reference"

# The example account: lists 7 and 12 in folder 1 and the connector's attributes.
ATTRIBUTES = [
    {"name": "GORGIAS_ID", "category": "normal", "type": "text"},
    {"name": "TICKET_COUNT", "category": "normal", "type": "float"},
    {"name": "LAST_SUPPORT_DATE", "category": "normal", "type": "date"},
    {"name": "CSAT_SCORE", "category": "normal", "type": "float"},
    {"name": "VIP", "category": "normal", "type": "boolean"},
    {
        "name": "SUPPORT_TIER",
        "category": "category",
        "type": "text",
        "enumeration": [
            {"value": 1, "label": "Standard"},
            {"value": 2, "label": "Priority"},
        ],
    },
]
LISTS = [
    {"id": 7, "name": "Gorgias - support customers", "folderId": 1},
    {"id": 12, "name": "Gorgias - CSAT promoters", "folderId": 1},
]


Loader = Callable[[str], dict[str, Any]]
SandboxFactory = Callable[..., BrevoSandbox]
ClientFactory = Callable[..., httpx.AsyncClient]


def _load(name: str) -> dict[str, Any]:
    path = REFERENCE / f"{name}.json"
    parsed: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return parsed


@pytest.fixture
def reference() -> Loader:
    """Return a loader of reference exchange halves by file stem."""
    return _load


@pytest.fixture
def new_sandbox(clock: FakeClock) -> SandboxFactory:
    """Build sandboxes on the fake clock with the example account seeded."""

    def build(**options: Any) -> BrevoSandbox:
        sandbox = BrevoSandbox(clock=clock.monotonic, now=clock.now, **options)
        sandbox.seed(attributes=ATTRIBUTES, lists=LISTS)
        return sandbox

    return build


@pytest.fixture
def sandbox(new_sandbox: SandboxFactory) -> BrevoSandbox:
    """The example account with limits high enough to never get in the way.

    Rate-limit tests build their own sandbox with Brevo's real limits.
    """
    return new_sandbox(
        contacts_per_second=10_000, events_per_second=10_000, other_per_hour=10_000
    )


@pytest.fixture
async def make_client() -> AsyncIterator[ClientFactory]:
    """Build in-process clients for a sandbox; closed after the test."""
    clients: list[httpx.AsyncClient] = []

    def build(
        sandbox: BrevoSandbox, *, api_key: str | None = API_KEY
    ) -> httpx.AsyncClient:
        headers = {} if api_key is None else {"api-key": api_key}
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(sandbox)),
            base_url="http://brevo.test",
            headers=headers,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


@pytest.fixture
def client(sandbox: BrevoSandbox, make_client: ClientFactory) -> httpx.AsyncClient:
    """An authenticated in-process client for the `sandbox` fixture."""
    return make_client(sandbox)
