"""The long-running service: `tajo serve` (receiver + workers) and `tajo worker`.

`serve` runs the webhook receiver with uvicorn and, in the same event loop,
`workers_in_process` workers that the receiver wakes after each accepted
delivery, so a change reaches Brevo within about a second. `run_workers` runs
workers only, for deployments where receivers and workers scale apart (on
PostgreSQL). Both run the poller every `sync_every` seconds unless it is None.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator

import uvicorn

from tajo.clock import Clock, SystemClock
from tajo.config import TajoConfig
from tajo.errors import ConfigError
from tajo.store import Store
from tajo.webhooks.app import create_webhook_app
from tajo.webhooks.metrics import WebhookMetrics
from tajo.workers.engines import EngineFactory
from tajo.workers.inbox import OutcomeHook
from tajo.workers.poller import DEFAULT_SYNC_EVERY_SECONDS, run_poller
from tajo.workers.runner import run_worker

logger = logging.getLogger(__name__)


async def serve(
    config: TajoConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    workers_in_process: int = 1,
    sync_every: float | None = DEFAULT_SYNC_EVERY_SECONDS,
    poll_interval: float = 1.0,
    connector_id: str = "gorgias",
    store: Store | None = None,
    clock: Clock | None = None,
    engine_factory: EngineFactory | None = None,
    stop: asyncio.Event | None = None,
    on_listening: Callable[[str], None] | None = None,
    on_outcome: OutcomeHook | None = None,
) -> None:
    """Serve `POST /webhooks/gorgias` and process deliveries until stopped.

    Stops on SIGINT or SIGTERM, or when `stop` is set. `on_listening` gets
    the base URL once the port is open (useful with `port=0`).

    Raises:
        ConfigError: the webhook section is missing, or a key is not set.
        CredentialsError: the Gorgias key cannot be found or decrypted.
    """
    webhook = config.gorgias.webhook
    if webhook is None:
        raise ConfigError(
            "webhook receiver not configured: connectors.gorgias.webhook is "
            "missing; expected {secret: ${TAJO_WEBHOOK_SECRET}}; add the webhook "
            "section to tajo.yaml"
        )
    clock = clock or SystemClock()
    stop = stop or asyncio.Event()
    async with _opened(config, store, clock) as opened:
        factory = engine_factory or EngineFactory(
            config, opened, clock=clock, connector_id=connector_id
        )
        wake = asyncio.Event()
        metrics = WebhookMetrics()
        app = create_webhook_app(
            store=opened,
            config=webhook,
            connector_id=connector_id,
            clock=clock,
            metrics=metrics,
            on_accepted=lambda _ticket: wake.set(),
        )
        server = _Server(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                lifespan="off",
                log_level="warning",
                access_log=False,
            )
        )
        tasks = _start_workers(
            workers_in_process,
            store=opened,
            factory=factory,
            clock=clock,
            stop=stop,
            sync_every=sync_every,
            poll_interval=poll_interval,
            connector_id=connector_id,
            wake=wake,
            metrics=metrics,
            on_outcome=on_outcome,
        )
        watcher = asyncio.create_task(_stop_server_on(stop, server))
        try:
            with _signals_set(stop), _listening_socket(host, port) as sock:
                bound_host, bound_port = sock.getsockname()[:2]
                base_url = _base_url(bound_host, bound_port)
                logger.info("Receiving Gorgias webhooks on %s", base_url)
                if on_listening is not None:
                    on_listening(base_url)
                await server.serve(sockets=[sock])
        finally:
            stop.set()
            await watcher
            await _finish(tasks)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling, which `serve` does instead.

    uvicorn raises a caught SIGTERM again once it has stopped, which would
    end the process before the workers finish their current pass.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_workers(
    config: TajoConfig,
    *,
    count: int = 1,
    sync_every: float | None = DEFAULT_SYNC_EVERY_SECONDS,
    poll_interval: float = 1.0,
    connector_id: str = "gorgias",
    store: Store | None = None,
    clock: Clock | None = None,
    engine_factory: EngineFactory | None = None,
    stop: asyncio.Event | None = None,
    on_outcome: OutcomeHook | None = None,
) -> None:
    """Run `count` workers (and the poller) until SIGINT, SIGTERM or `stop`.

    Raises:
        ConfigError: a key is not set, or `count` is below 1.
        CredentialsError: the Gorgias key cannot be found or decrypted.
    """
    if count < 1:
        raise ConfigError(
            f"invalid worker count: count={count}; expected at least 1; pass "
            "--count 1 or more"
        )
    clock = clock or SystemClock()
    stop = stop or asyncio.Event()
    async with _opened(config, store, clock) as opened:
        factory = engine_factory or EngineFactory(
            config, opened, clock=clock, connector_id=connector_id
        )
        tasks = _start_workers(
            count,
            store=opened,
            factory=factory,
            clock=clock,
            stop=stop,
            sync_every=sync_every,
            poll_interval=poll_interval,
            connector_id=connector_id,
            on_outcome=on_outcome,
        )
        with _signals_set(stop):
            await stop.wait()
        await _finish(tasks)


def _start_workers(
    count: int,
    *,
    store: Store,
    factory: EngineFactory,
    clock: Clock,
    stop: asyncio.Event,
    sync_every: float | None,
    poll_interval: float,
    connector_id: str,
    wake: asyncio.Event | None = None,
    metrics: WebhookMetrics | None = None,
    on_outcome: OutcomeHook | None = None,
) -> list[asyncio.Task[None]]:
    """Start `count` worker tasks, plus the poller unless `sync_every` is None."""
    tasks = [
        asyncio.create_task(
            run_worker(
                store=store,
                engine_factory=factory,
                clock=clock,
                stop=stop,
                poll_interval=poll_interval,
                connector_id=connector_id,
                wake=wake,
                metrics=metrics,
                on_outcome=on_outcome,
            ),
            name=f"tajo-worker-{index}",
        )
        for index in range(count)
    ]
    if sync_every is not None:
        poller = run_poller(
            store=store,
            engine_factory=factory,
            clock=clock,
            stop=stop,
            every=sync_every,
        )
        tasks.append(asyncio.create_task(poller, name="tajo-poller"))
    return tasks


@contextlib.asynccontextmanager
async def _opened(
    config: TajoConfig, store: Store | None, clock: Clock
) -> AsyncIterator[Store]:
    if store is not None:
        yield store
        return
    opened = Store.open(config.state.database_url, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


async def _stop_server_on(stop: asyncio.Event, server: uvicorn.Server) -> None:
    await stop.wait()
    server.should_exit = True


@contextlib.contextmanager
def _listening_socket(host: str, port: int) -> Iterator[socket.socket]:
    # Bound here rather than by uvicorn, so the chosen port (for port=0) is
    # known before serving starts.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=2048)
    try:
        yield sock
    finally:
        sock.close()


def _base_url(host: str, port: int) -> str:
    host_text = f"[{host}]" if ":" in host else host
    return f"http://{host_text}:{port}"


async def _finish(tasks: list[asyncio.Task[None]]) -> None:
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, BaseException) and not isinstance(
            result, asyncio.CancelledError
        ):
            logger.error("%s ended with an error: %r", task.get_name(), result)


@contextlib.contextmanager
def _signals_set(stop: asyncio.Event) -> Iterator[None]:
    # Signal handlers can only be installed from the main thread.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
