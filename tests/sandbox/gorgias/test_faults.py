"""Injected faults: 429 storms, 5xx, not found, slow responses, dropped connections."""

from __future__ import annotations

import httpx
import pytest

from tajo.sandbox.gorgias import GorgiasSandbox, create_app
from tajo.sandbox.server import serve

from .conftest import EMAIL, KEY, payload


async def test_rate_limit_fault(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("rate_limit", retry_after=7)
    limited = await client.get("/api/account")
    after = await client.get("/api/account")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    assert limited.headers["x-gorgias-account-api-call-limit"] == "40/40"
    assert after.status_code == 200


async def test_rate_limit_storm(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.rate_limit_storm(5)
    statuses = [(await client.get("/api/account")).status_code for _ in range(6)]
    assert statuses == [429] * 5 + [200]


async def test_server_error_fault(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("server_error", status=502, count=2)
    statuses = [(await client.get("/api/account")).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]


async def test_not_found_fault_for_one_path(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(
        tickets=[
            {**payload("ticket.json"), "id": 777},
            {**payload("ticket.json"), "id": 7770},
        ]
    )
    sandbox.inject_fault("not_found", path_prefix="/api/tickets/777")
    other = await client.get("/api/tickets/7770")
    target = await client.get("/api/tickets/777")
    again = await client.get("/api/tickets/777")
    assert other.status_code == 200
    assert target.status_code == 404
    assert again.status_code == 200


async def test_faults_apply_in_order(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("server_error", status=500)
    sandbox.inject_fault("rate_limit")
    statuses = [(await client.get("/api/account")).status_code for _ in range(3)]
    assert statuses == [500, 429, 200]


async def test_fault_skips_other_paths(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("server_error", path_prefix="/api/tickets")
    account = await client.get("/api/account")
    tickets = await client.get("/api/tickets")
    assert account.status_code == 200
    assert tickets.status_code == 503


async def test_fault_for_one_method(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("server_error", path_prefix="/api/customers", method="post")
    listed = await client.get("/api/customers")
    created = await client.post("/api/customers", json={"email": "a@example.com"})
    assert listed.status_code == 200
    assert created.status_code == 503


async def test_drop_in_process_raises_transport_error(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("drop")
    with pytest.raises(httpx.TransportError):
        await client.get("/api/account")
    assert (await client.get("/api/account")).status_code == 200


def test_drop_on_loopback_closes_connection(sandbox: GorgiasSandbox) -> None:
    sandbox.inject_fault("drop")
    with (
        serve(create_app(sandbox)) as server,
        httpx.Client(base_url=server.base_url, auth=(EMAIL, KEY)) as client,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/api/account")
        assert client.get("/api/account").status_code == 200
    assert sandbox.requests[0].status is None
    assert sandbox.requests[0].fault == "drop"


def test_slow_fault_trips_client_timeout(sandbox: GorgiasSandbox) -> None:
    sandbox.inject_fault("slow", delay_seconds=0.5)
    with (
        serve(create_app(sandbox)) as server,
        httpx.Client(base_url=server.base_url, auth=(EMAIL, KEY)) as client,
    ):
        with pytest.raises(httpx.ReadTimeout):
            client.get("/api/account", timeout=0.05)
        assert client.get("/api/account").status_code == 200


@pytest.mark.parametrize(
    "options",
    [
        {"kind": "explode"},
        {"kind": "server_error", "status": 404},
        {"kind": "rate_limit", "count": 0},
        {"kind": "slow", "delay_seconds": -1.0},
    ],
    ids=["unknown-kind", "non-5xx", "zero-count", "negative-delay"],
)
def test_invalid_fault_rejected(sandbox: GorgiasSandbox, options: dict) -> None:
    kind = options.pop("kind")
    with pytest.raises(ValueError, match="fault"):
        sandbox.inject_fault(kind, **options)


async def test_request_log_records_faults(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.inject_fault("rate_limit")
    await client.get("/api/customers", params={"limit": "5"})
    await client.get("/api/customers", params={"limit": "5"})
    first, second = sandbox.requests
    assert (first.status, first.fault) == (429, "rate_limit")
    assert (second.status, second.fault) == (200, None)
    assert second.query == {"limit": ["5"]}
    assert second.method == "GET"
    assert second.path == "/api/customers"
