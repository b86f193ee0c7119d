"""The per-account leaky bucket: usage header, 429 and Retry-after."""

from __future__ import annotations

import httpx

from tajo.clock import FakeClock
from tajo.sandbox.gorgias import GorgiasSandbox

from .conftest import api_client, make_sandbox

HEADER = "X-Gorgias-Account-Api-Call-Limit"


async def burst(client: httpx.AsyncClient, count: int) -> list[httpx.Response]:
    return [await client.get("/api/account") for _ in range(count)]


async def test_usage_header_counts_requests(client: httpx.AsyncClient) -> None:
    responses = await burst(client, 3)
    assert [r.headers[HEADER] for r in responses] == ["1/40", "2/40", "3/40"]


async def test_forty_first_request_is_429(client: httpx.AsyncClient) -> None:
    responses = await burst(client, 41)
    assert [r.status_code for r in responses[:40]] == [200] * 40
    assert responses[40].status_code == 429
    assert responses[40].headers[HEADER] == "40/40"


async def test_429_carries_retry_after(client: httpx.AsyncClient) -> None:
    limited = (await burst(client, 41))[-1]
    assert "retry-after" in limited.headers
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json() == {"error": {"msg": "Too many requests"}}


async def test_429_raw_header_spelling(sandbox: GorgiasSandbox) -> None:
    async with api_client(sandbox) as client:
        limited = (await burst(client, 41))[-1]
    names = [name for name, _ in limited.headers.raw]
    assert b"Retry-after" in names


async def test_bucket_drains_continuously(
    clock: FakeClock, client: httpx.AsyncClient
) -> None:
    await burst(client, 40)
    clock.advance(1.0)  # 40 per 20 s drains 2 requests per second
    after_one_second = await burst(client, 3)
    assert [r.status_code for r in after_one_second] == [200, 200, 429]


async def test_retry_after_is_enough(
    clock: FakeClock, client: httpx.AsyncClient
) -> None:
    limited = (await burst(client, 41))[-1]
    clock.advance(float(limited.headers["retry-after"]))
    retried = await client.get("/api/account")
    assert retried.status_code == 200


async def test_bucket_empties_after_window(
    clock: FakeClock, client: httpx.AsyncClient
) -> None:
    await burst(client, 40)
    clock.advance(20.0)
    response = await client.get("/api/account")
    assert response.headers[HEADER] == "1/40"


async def test_rejected_requests_do_not_fill_bucket(
    clock: FakeClock, client: httpx.AsyncClient
) -> None:
    await burst(client, 45)
    clock.advance(0.5)
    response = await client.get("/api/account")
    assert response.status_code == 200


async def test_custom_budget(clock: FakeClock) -> None:
    with make_sandbox(clock, requests_per_window=80, window_seconds=10.0) as sandbox:
        async with api_client(sandbox) as client:
            responses = await burst(client, 81)
    assert responses[79].headers[HEADER] == "80/80"
    assert responses[80].status_code == 429


async def test_unauthorized_requests_not_counted(sandbox: GorgiasSandbox) -> None:
    async with api_client(sandbox, auth=("nobody@example.com", "x")) as stranger:
        await burst(stranger, 5)
    async with api_client(sandbox) as client:
        response = await client.get("/api/account")
    assert response.headers[HEADER] == "1/40"


async def test_admin_routes_not_counted(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    from .conftest import ADMIN

    for _ in range(50):
        await client.get("/_sandbox/requests", headers={"x-sandbox-admin": ADMIN})
    response = await client.get("/api/account")
    assert response.headers[HEADER] == "1/40"
