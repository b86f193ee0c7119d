from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tajo.brevo import BrevoRateLimits, ContactUpsert
from tajo.clock import FakeClock

# At most this share of calls may meet a 429 when the client and the
# simulator enforce the same 10/s budget. The client's sliding window is
# stricter than the simulator's fixed windows, so the expected count is 0;
# the bound leaves room for clock rounding.
MAX_429_SHARE = 0.01


@pytest.mark.slow
async def test_5000_upserts_at_10_per_second(
    make_client: Any,
    serve_sandbox: Any,
    clock: FakeClock,
    sent_requests: list[Any],
    record_property: Any,
) -> None:
    sandbox, url = serve_sandbox(contacts_per_second=10)
    client = await make_client(httpx.AsyncHTTPTransport(), base_url=url)
    total = 5_000
    started = clock.monotonic()
    for index in range(total):
        await client.upsert_contact(ContactUpsert(email=f"bulk{index}@example.com"))
    elapsed = clock.monotonic() - started
    rejected = sum(1 for sent in sent_requests if sent.status == 429)
    print(
        f"5000 upserts at 10/s: {rejected} responses were 429; {elapsed:.1f} s virtual"
    )
    record_property("responses_429", rejected)
    assert len(sandbox.state()["contacts"]) == total
    assert rejected <= total * MAX_429_SHARE
    assert client.rate_limited_count == rejected
    # 5,000 calls at 10/s need at least 499 s of virtual time.
    assert elapsed >= (total / 10) - 1


async def test_concurrent_upserts_share_budget(
    make_client: Any, serve_sandbox: Any, clock: FakeClock, sent_requests: list[Any]
) -> None:
    sandbox, url = serve_sandbox(contacts_per_second=10)
    client = await make_client(httpx.AsyncHTTPTransport(), base_url=url)
    await asyncio.gather(
        *(
            client.upsert_contact(ContactUpsert(email=f"task{index}@example.com"))
            for index in range(100)
        )
    )
    rejected = sum(1 for sent in sent_requests if sent.status == 429)
    print(f"100 concurrent upserts at 10/s: {rejected} responses were 429")
    assert len(sandbox.state()["contacts"]) == 100
    # FakeClock.sleep moves time for every task at once, so requests still in
    # flight can land in the next window and meet a 429; each is retried.
    assert rejected < 50
    assert clock.monotonic() >= 9.0


async def test_remaining_zero_pauses_family(
    make_client: Any, serve_sandbox: Any, sent_requests: list[Any]
) -> None:
    # The plan allows 5/s but the client was configured for 20/s: Brevo's
    # headers must hold it back.
    sandbox, url = serve_sandbox(contacts_per_second=5)
    client = await make_client(
        httpx.AsyncHTTPTransport(),
        base_url=url,
        rate_limits=BrevoRateLimits(contacts_per_second=20),
    )
    for index in range(50):
        await client.upsert_contact(ContactUpsert(email=f"slow{index}@example.com"))
    rejected = sum(1 for sent in sent_requests if sent.status == 429)
    assert len(sandbox.state()["contacts"]) == 50
    assert rejected == 0


async def test_429_wait_follows_reset_header(
    make_client: Any, serve_sandbox: Any, sent_requests: list[Any]
) -> None:
    sandbox, url = serve_sandbox(contacts_per_second=5)
    client = await make_client(
        httpx.AsyncHTTPTransport(),
        base_url=url,
        rate_limits=BrevoRateLimits(contacts_per_second=20),
    )
    # Another app on the same account spends the budget: the client only
    # learns it from the 429 and its reset header.
    sandbox.inject_fault("rate_limit", count=1, path_prefix="/v3/contacts")
    await client.upsert_contact(ContactUpsert(email="jane@example.com"))
    hits = [r for r in sandbox.requests if r.path == "/v3/contacts"]
    assert [sent.status for sent in sent_requests] == [429, 201]
    assert hits[1].at - hits[0].at == 1.0


async def test_other_family_100_per_hour(
    brevo: Any, sandbox: Any, clock: FakeClock, sent_requests: list[Any]
) -> None:
    for _ in range(101):
        await brevo.get_account()
    hits = [r for r in sandbox.requests if r.path == "/v3/account"]
    assert all(sent.status == 200 for sent in sent_requests)
    assert hits[99].at - hits[0].at < 1.0
    assert hits[100].at - hits[0].at >= 3600.0
