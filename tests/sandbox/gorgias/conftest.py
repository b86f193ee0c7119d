"""Fixtures for the Gorgias simulator tests: a sandbox on virtual time and clients."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.gorgias import GorgiasSandbox, create_app

EMAIL = "owner@example.com"
KEY = "gorgias-sandbox-test-key"
ADMIN = "test-admin-token"
NOW = datetime(2026, 8, 12, 12, 0, tzinfo=UTC)
PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> Any:
    """Load one example payload by file name."""
    return json.loads((PAYLOADS / name).read_text())


def make_sandbox(clock: FakeClock, **options: Any) -> GorgiasSandbox:
    """Build a sandbox on the test's virtual clock."""
    options.setdefault("email", EMAIL)
    options.setdefault("api_key", KEY)
    options.setdefault("admin_token", ADMIN)
    return GorgiasSandbox(clock=clock.monotonic, now=clock.now, **options)


@pytest.fixture
def sandbox(clock: FakeClock) -> Iterator[GorgiasSandbox]:
    """An empty account on virtual time."""
    with make_sandbox(clock) as sandbox:
        yield sandbox


@pytest.fixture
def generated(clock: FakeClock) -> Iterator[GorgiasSandbox]:
    """A small generated account on virtual time."""
    with make_sandbox(clock) as sandbox:
        from tajo.sandbox.gorgias import generate_account

        sandbox.load(
            generate_account(
                7, customers=80, tickets=200, surveys=40, now=NOW, owner_email=EMAIL
            )
        )
        yield sandbox


def api_client(sandbox: GorgiasSandbox, **options: Any) -> httpx.AsyncClient:
    """Build an in-process client that authenticates as the key owner."""
    options.setdefault("auth", (EMAIL, KEY))
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(sandbox)),
        base_url="http://gorgias.test",
        **options,
    )


@pytest.fixture
async def client(sandbox: GorgiasSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client for the empty account."""
    async with api_client(sandbox) as client:
        yield client


@pytest.fixture
async def gclient(generated: GorgiasSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client for the generated account."""
    async with api_client(generated) as client:
        yield client


async def collect(
    client: httpx.AsyncClient, path: str, **params: Any
) -> list[dict[str, Any]]:
    """Read every page of a list endpoint with the same parameters."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = dict(params)
        if cursor is not None:
            query["cursor"] = cursor
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["data"])
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            return items
