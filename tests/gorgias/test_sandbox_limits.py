"""Pacing, 429s, retries and failures against the simulator on loopback."""

from __future__ import annotations

import base64
import itertools
import logging
from collections.abc import Sequence

import pytest

from tajo.errors import AuthenticationError, ConfigError, NotFoundError
from tajo.redact import Secret

from .conftest import FAKE_EMAIL, FAKE_KEY, SandboxSetup


def max_in_window(times: Sequence[float], window: float) -> int:
    ordered = sorted(times)
    best = 0
    start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def customers(count: int) -> list[dict[str, object]]:
    return [
        {
            "id": customer_id,
            "email": f"c{customer_id}@example.com",
            "created_datetime": "2026-01-01T00:00:00+00:00",
            "updated_datetime": "2026-08-01T00:00:00+00:00",
        }
        for customer_id in range(1, count + 1)
    ]


async def test_default_budget_never_exceeded(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(customers=customers(1000))
    client = account.client()
    fetched = 0
    async for page in client.customer_pages():
        for item in page.items:
            await client.get_customer_custom_fields(item.id)
            fetched += 1
    assert fetched == 1000
    logged = account.requests()
    assert len(logged) == 1010
    assert max_in_window([r.at for r in logged], 20.0) <= 40
    assert [r for r in logged if r.status == 429] == []


async def test_three_rate_limits_are_waited_out(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(customers=customers(150))
    account.sandbox.inject_fault("rate_limit", count=3, retry_after=5)
    client = account.client()
    ids = [item.id async for page in client.customer_pages() for item in page.items]
    assert len(ids) == 150
    logged = account.requests()
    assert [r.status for r in logged] == [429, 429, 429, 200, 200]
    for before, after in itertools.pairwise(logged[:4]):
        assert after.at - before.at >= 5.0


async def test_server_errors_retried(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(customers=customers(3))
    account.sandbox.inject_fault("server_error", count=2, status=503)
    client = account.client()
    ids = [item.id async for page in client.customer_pages() for item in page.items]
    assert sorted(ids) == [1, 2, 3]
    assert [r.status for r in account.requests()] == [503, 503, 200]
    assert account.clock.sleeps[:2] == [0.5, 1.0]


async def test_dropped_connections_retried(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(customers=customers(3))
    account.sandbox.inject_fault("drop", count=2)
    client = account.client()
    fetched = await client.get_customer(2)
    assert fetched.id == 2
    assert [r.status for r in account.requests()] == [None, None, 200]


async def test_wrong_key_names_settings(account: SandboxSetup) -> None:
    client = account.client(api_key=Secret("wrong-key-0000"))
    with pytest.raises(AuthenticationError) as caught:
        await client.get_account()
    message = str(caught.value)
    assert "Settings > REST API" in message
    assert "\n" not in message
    assert "wrong-key-0000" not in message
    assert len(account.requests()) == 1


@pytest.mark.parametrize(
    "domain",
    ["evil.com/x", "yourstore.gorgias.com.attacker.net", "a@b", ""],
    ids=["path", "suffix-attack", "userinfo", "empty"],
)
async def test_bad_domain_sends_nothing(account: SandboxSetup, domain: str) -> None:
    with pytest.raises(ConfigError, match="invalid Gorgias domain"):
        account.client(domain=domain)
    assert account.requests() == []


async def test_illegal_order_by_sends_nothing(account: SandboxSetup) -> None:
    client = account.client()
    with pytest.raises(ValueError, match="order_by"):
        [page async for page in client.user_pages(order_by="updated_datetime:desc")]
    assert account.requests() == []


async def test_wrong_path_names_base_url(account: SandboxSetup) -> None:
    client = account.client(base_url=account.base_url + "/not-gorgias")
    with pytest.raises(NotFoundError, match="subdomain or the base URL"):
        await client.get_account()


async def test_key_never_logged_or_raised(
    account: SandboxSetup, caplog: pytest.LogCaptureFixture
) -> None:
    account.sandbox.seed_objects(customers=customers(3))
    account.sandbox.inject_fault("rate_limit", count=1, retry_after=1)
    account.sandbox.inject_fault("drop", count=1)
    account.sandbox.inject_fault("server_error", count=1, status=500)
    client = account.client(log_api_calls=True)
    messages: list[str] = []
    with caplog.at_level(logging.DEBUG):
        [page async for page in client.customer_pages()]
        bad = account.client(log_api_calls=True, api_key=Secret(FAKE_KEY + "x"))
        with pytest.raises(AuthenticationError) as caught:
            await bad.get_account()
        messages.append(str(caught.value))
        messages.append(repr(caught.value))
        messages.append(caught.value.body)
    token = base64.b64encode(f"{FAKE_EMAIL}:{FAKE_KEY}".encode()).decode()
    assert len(caplog.records) > 3
    for text in [caplog.text, *messages]:
        assert FAKE_KEY not in text
        assert token not in text


async def test_slow_response_retried(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(customers=customers(1))
    account.sandbox.inject_fault("slow", delay_seconds=0.3)
    client = account.client(timeout_seconds=0.05)
    fetched = await client.get_customer(1)
    assert fetched.id == 1
    assert account.clock.sleeps[:1] == [0.5]
