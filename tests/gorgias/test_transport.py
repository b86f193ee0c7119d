"""Transport failures on loopback: what is retried and what is not."""

from __future__ import annotations

import asyncio
import socket

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tajo.clock import FakeClock
from tajo.errors import TransportError
from tajo.gorgias import GorgiasClient
from tajo.http import Backoff
from tajo.redact import Secret
from tajo.sandbox.server import serve

from .conftest import FAKE_EMAIL, FAKE_KEY


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_client(base_url: str, clock: FakeClock, **options: object) -> GorgiasClient:
    return GorgiasClient(
        "yourstore",
        FAKE_EMAIL,
        Secret(FAKE_KEY),
        base_url=base_url,
        clock=clock,
        backoff=Backoff(max_attempts=3, random=lambda: 1.0),
        **options,  # type: ignore[arg-type]
    )


def slow_app(seen: list[str]) -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        seen.append(request.method)
        await asyncio.sleep(0.3)
        return JSONResponse({"id": 1})

    methods = ["GET", "POST"]
    return Starlette(routes=[Route("/{path:path}", endpoint, methods=methods)])


async def test_post_retried_on_refused_connection(clock: FakeClock) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port()}", clock)
    async with client:
        with pytest.raises(TransportError, match="attempts=3") as caught:
            await client.create_customer({"email": "jane.doe@example.com"})
    assert clock.sleeps == [0.5, 1.0]
    assert FAKE_KEY not in str(caught.value)


async def test_post_not_retried_on_read_timeout(clock: FakeClock) -> None:
    seen: list[str] = []
    with serve(slow_app(seen)) as server:
        client = make_client(server.base_url, clock, timeout_seconds=0.05)
        async with client:
            with pytest.raises(TransportError, match="attempts=1"):
                await client.create_customer({"email": "jane.doe@example.com"})
    assert seen == ["POST"]


async def test_get_retried_on_read_timeout(clock: FakeClock) -> None:
    seen: list[str] = []
    with serve(slow_app(seen)) as server:
        client = make_client(server.base_url, clock, timeout_seconds=0.05)
        async with client:
            with pytest.raises(TransportError, match="attempts=3"):
                await client.get_customer(1)
    assert seen == ["GET", "GET", "GET"]
