"""Serve an ASGI app on loopback from a background thread (tests, demo, benchmarks)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class RunningServer:
    """A server started by `serve`; `base_url` has no trailing slash."""

    base_url: str
    port: int


@contextlib.contextmanager
def serve(
    app: ASGIApp, *, port: int = 0, startup_timeout: float = 10.0
) -> Iterator[RunningServer]:
    """Run `app` with uvicorn on 127.0.0.1 until the block exits.

    Port 0 picks a free port; the chosen one is in the returned `RunningServer`.
    """
    config = uvicorn.Config(
        app, host=LOOPBACK, port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"sandbox server did not start on {LOOPBACK}:{port}")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield RunningServer(base_url=f"http://{LOOPBACK}:{bound}", port=bound)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
