"""Fixtures for the Gorgias client tests.

`scripted` serves replies from a list, in order, and records every request:
a tiny fake server for protocol cases the simulator does not produce (a
repeated cursor, a malformed header). Behaviour tests use the simulator.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tajo.clock import FakeClock
from tajo.gorgias import GorgiasClient
from tajo.http import Backoff
from tajo.redact import Secret
from tajo.sandbox.gorgias import GorgiasSandbox, create_app
from tajo.sandbox.server import serve

FAKE_EMAIL = "owner@example.com"
FAKE_KEY = "gorgias-fake-key-7c1e9d2b44"


@dataclass(frozen=True, slots=True)
class Reply:
    """One scripted HTTP response."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """One request the scripted server received."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedServer:
    """Replies in order; the last reply repeats once the script runs out."""

    replies: list[Reply]
    seen: list[SeenRequest] = field(default_factory=list)

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            self.seen.append(
                SeenRequest(
                    request.method,
                    request.url.path,
                    list(request.query_params.multi_items()),
                    dict(request.headers),
                    await request.body(),
                )
            )
            index = min(len(self.seen), len(self.replies)) - 1
            reply = self.replies[index]
            content = b"" if reply.body is None else _encode(reply.body)
            return Response(content, reply.status, headers=reply.headers)

        methods = ["GET", "POST", "PUT", "DELETE"]
        return Starlette(routes=[Route("/{path:path}", endpoint, methods=methods)])


def _encode(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


ScriptedFactory = Callable[..., tuple[GorgiasClient, ScriptedServer]]


@pytest.fixture
async def scripted(clock: FakeClock) -> AsyncIterator[ScriptedFactory]:
    """Return a factory: replies (and client options) in, client and server out."""
    clients: list[GorgiasClient] = []

    def make(
        replies: list[Reply], **options: Any
    ) -> tuple[GorgiasClient, ScriptedServer]:
        server = ScriptedServer(replies)
        options.setdefault("backoff", Backoff(random=lambda: 1.0))
        client = GorgiasClient(
            "yourstore",
            FAKE_EMAIL,
            Secret(FAKE_KEY),
            base_url="http://127.0.0.1:9",
            clock=clock,
            transport=httpx.ASGITransport(app=server.app()),
            **options,
        )
        clients.append(client)
        return client, server

    yield make
    for client in clients:
        await client.aclose()


@dataclass
class SandboxSetup:
    """A simulated account served on loopback, and a way to build clients."""

    sandbox: GorgiasSandbox
    base_url: str
    clock: FakeClock
    clients: list[GorgiasClient] = field(default_factory=list)

    def client(self, **options: Any) -> GorgiasClient:
        """Build a client for the served sandbox; options override defaults."""
        options.setdefault("backoff", Backoff(random=lambda: 1.0))
        options.setdefault("base_url", self.base_url)
        email = options.pop("email", FAKE_EMAIL)
        key = options.pop("api_key", Secret(FAKE_KEY))
        domain = options.pop("domain", "yourstore")
        client = GorgiasClient(domain, email, key, clock=self.clock, **options)
        self.clients.append(client)
        return client

    def requests(self, path: str | None = None) -> list[Any]:
        """Return the sandbox's logged requests, optionally for one path."""
        logged = list(self.sandbox.requests)
        return [r for r in logged if path is None or r.path.rstrip("/") == path]


@pytest.fixture
async def account(clock: FakeClock) -> AsyncIterator[SandboxSetup]:
    """An empty simulated Gorgias account on loopback, on the test's clock."""
    sandbox = GorgiasSandbox(
        email=FAKE_EMAIL, api_key=FAKE_KEY, clock=clock.monotonic, now=clock.now
    )
    with sandbox, serve(create_app(sandbox)) as server:
        setup = SandboxSetup(sandbox, server.base_url, clock)
        yield setup
        for client in setup.clients:
            await client.aclose()
