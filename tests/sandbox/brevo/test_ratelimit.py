"""Per-family rate limits and `x-sib-ratelimit-*` headers of the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]
ClientFactory = Callable[..., httpx.AsyncClient]
SandboxFactory = Callable[..., BrevoSandbox]

EVENT = {"event_name": "X", "identifiers": {"ext_id": "g-1"}}


def _limits(response: httpx.Response) -> tuple[str, str, str]:
    return (
        response.headers["x-sib-ratelimit-limit"],
        response.headers["x-sib-ratelimit-remaining"],
        response.headers["x-sib-ratelimit-reset"],
    )


@pytest.fixture
def limited(new_sandbox: SandboxFactory) -> BrevoSandbox:
    """A sandbox with Brevo's general-plan limits."""
    return new_sandbox()


@pytest.fixture
def brevo_limits(
    limited: BrevoSandbox, make_client: ClientFactory
) -> httpx.AsyncClient:
    """A client for the `limited` sandbox."""
    return make_client(limited)


async def test_success_carries_headers(brevo_limits: httpx.AsyncClient) -> None:
    response = await brevo_limits.get("/v3/contacts/lists")
    assert _limits(response) == ("10", "9", "1")


async def test_error_response_carries_headers(brevo_limits: httpx.AsyncClient) -> None:
    response = await brevo_limits.get("/v3/contacts/nobody%40example.com")
    assert response.status_code == 404
    assert _limits(response) == ("10", "9", "1")


async def test_contacts_eleventh_request_in_a_second_is_429(
    brevo_limits: httpx.AsyncClient, reference: Loader
) -> None:
    for _ in range(10):
        await brevo_limits.get("/v3/contacts/lists")
    response = await brevo_limits.get("/v3/contacts/attributes")
    assert response.status_code == 429
    assert _limits(response) == ("10", "0", "1")
    assert response.json() == reference("ratelimit_429")["body"]


async def test_rejected_request_has_no_effect(
    brevo_limits: httpx.AsyncClient, limited: BrevoSandbox
) -> None:
    for _ in range(10):
        await brevo_limits.get("/v3/contacts/lists")
    response = await brevo_limits.post("/v3/contacts", json={"email": "a@example.com"})
    assert response.status_code == 429
    assert limited.find_contact(email="a@example.com") is None


async def test_next_second_opens_window(
    brevo_limits: httpx.AsyncClient, clock: FakeClock
) -> None:
    for _ in range(10):
        await brevo_limits.get("/v3/contacts/lists")
    clock.advance(1)
    response = await brevo_limits.get("/v3/contacts/lists")
    assert response.status_code == 200
    assert _limits(response) == ("10", "9", "1")


async def test_reset_counts_seconds_left_in_window(
    new_sandbox: SandboxFactory, make_client: ClientFactory, clock: FakeClock
) -> None:
    client = make_client(new_sandbox(other_per_hour=2))
    clock.advance(1200.5)
    await client.get("/v3/account")
    await client.get("/v3/account")
    response = await client.get("/v3/account")
    assert response.status_code == 429
    assert _limits(response) == ("2", "0", "2400")


async def test_families_counted_separately(brevo_limits: httpx.AsyncClient) -> None:
    for _ in range(10):
        await brevo_limits.get("/v3/contacts/lists")
    events = await brevo_limits.post("/v3/events", json=EVENT)
    account = await brevo_limits.get("/v3/account")
    assert events.status_code == 204
    assert account.status_code == 200


async def test_events_family_limited_per_second(
    brevo_limits: httpx.AsyncClient,
) -> None:
    for _ in range(10):
        await brevo_limits.post("/v3/events", json=EVENT)
    response = await brevo_limits.post("/v3/events", json=EVENT)
    assert response.status_code == 429
    assert _limits(response) == ("10", "0", "1")


async def test_events_batch_shares_events_family(
    brevo_limits: httpx.AsyncClient,
) -> None:
    for _ in range(10):
        await brevo_limits.post("/v3/events", json=EVENT)
    response = await brevo_limits.post("/v3/events/batch", json={"events": [EVENT]})
    assert response.status_code == 429


async def test_other_family_allows_100_per_hour(
    brevo_limits: httpx.AsyncClient, clock: FakeClock, reference: Loader
) -> None:
    for _ in range(100):
        clock.advance(1)
        assert (await brevo_limits.get("/v3/account")).status_code == 200
    response = await brevo_limits.get("/v3/processes/1")
    expected = reference("ratelimit_429_hourly_bucket")
    assert response.status_code == 429
    assert response.headers["x-sib-ratelimit-limit"] == "100"
    assert response.headers["x-sib-ratelimit-remaining"] == "0"
    assert response.headers["x-sib-ratelimit-reset"] == "3500"
    assert response.json() == expected["body"]


async def test_hourly_window_reported_when_tighter(
    new_sandbox: SandboxFactory, make_client: ClientFactory, clock: FakeClock
) -> None:
    client = make_client(new_sandbox(contacts_per_hour=12))
    for _ in range(10):
        clock.advance(1)
        await client.get("/v3/contacts/lists")
    response = await client.get("/v3/contacts/lists")
    assert _limits(response) == ("12", "1", "3590")


async def test_hourly_cap_blocks_contacts(
    new_sandbox: SandboxFactory, make_client: ClientFactory, clock: FakeClock
) -> None:
    client = make_client(new_sandbox(contacts_per_hour=3))
    for _ in range(3):
        clock.advance(1)
        await client.get("/v3/contacts/lists")
    clock.advance(1)
    response = await client.get("/v3/contacts/lists")
    assert response.status_code == 429
    assert _limits(response) == ("3", "0", "3596")


async def test_unauthorized_requests_not_counted(
    new_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    sandbox = new_sandbox()
    anonymous = make_client(sandbox, api_key=None)
    for _ in range(20):
        await anonymous.get("/v3/contacts/lists")
    response = await make_client(sandbox).get("/v3/contacts/lists")
    assert response.status_code == 200
