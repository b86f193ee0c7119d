"""`tajo serve` and `tajo worker`: the long-running service.

Thin wrappers over `tajo.workers.serve` and `tajo.workers.run_workers`: they
load tajo.yaml, log at its `log_level`, print where the receiver listens and
stop cleanly on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from typing import Annotated

import typer

from tajo.cli.runtime import Runtime, apply_log_level, runtime_of
from tajo.config import TajoConfig
from tajo.errors import ConfigError
from tajo.gorgias import is_loopback_host
from tajo.webhooks import DELIVERY_PATH
from tajo.workers import DEFAULT_SYNC_EVERY_SECONDS, run_workers, serve

SyncEveryOption = Annotated[
    float,
    typer.Option(
        min=0,
        help="Seconds between incremental syncs that heal missed webhooks; "
        "0 turns the poller off.",
    ),
]


def listen_error(
    exc: OSError, host: str, port: int, *, option: str
) -> ConfigError | None:
    """Return a one-line error for a failed bind to `host:port`, or None.

    `option` is the command-line option that chooses the port. Other
    OSErrors return None, so the caller raises them unchanged.
    """
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return ConfigError(
            f"cannot listen on {address}: the address is already in use; another "
            f"process listens on port {port}; stop it, or pick a free port with "
            f"{option}"
        )
    if exc.errno in (errno.EACCES, errno.EADDRNOTAVAIL):
        return ConfigError(
            f"cannot listen on {address}: {exc.strerror}; expected an address of "
            f"this machine and a port you may open (1024 or above without root); "
            f"pick another port with {option}"
        )
    return None


def check_port_free(host: str, port: int, *, option: str) -> None:
    """Bind `host:port` once and release it, so a busy port fails early.

    The socket uses SO_REUSEADDR like uvicorn's, so a port left in TIME_WAIT
    by a previous run counts as free. Port 0 is always free.

    Raises:
        ConfigError: the port is in use, or may not be opened.
    """
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            error = listen_error(exc, host, port, option=option)
            if error is None:
                raise
            raise error from None


def service_logging(runtime: Runtime, config: TajoConfig) -> None:
    """Log at the configured level (info by default); -v and --debug add more."""
    level = config.gorgias.python_log_level
    if runtime.verbose >= 2 or runtime.debug:
        level = logging.DEBUG
    elif runtime.verbose == 1:
        level = min(level, logging.INFO)
    apply_log_level(level)


def serve_command(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 for every interface.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port; 0 picks a free one.")
    ] = 8080,
    workers: Annotated[int, typer.Option(min=1, help="Workers in this process.")] = 1,
    sync_every: SyncEveryOption = DEFAULT_SYNC_EVERY_SECONDS,
) -> None:
    """Receive Gorgias webhooks on POST /webhooks/gorgias and process them."""
    runtime = runtime_of(ctx)
    config = runtime.config()
    service_logging(runtime, config)
    consoles = runtime.consoles
    if not is_loopback_host(host):
        consoles.warn(
            "the receiver speaks plain HTTP: put it behind a reverse proxy with "
            "TLS, and register that https address as webhook.public_url"
        )

    def listening(base_url: str) -> None:
        consoles.line(f"Receiving Gorgias webhooks at {base_url}{DELIVERY_PATH}")
        consoles.line(
            f"Health {base_url}/healthz, readiness {base_url}/readyz, "
            f"metrics {base_url}/metrics; Ctrl-C stops."
        )

    try:
        asyncio.run(
            serve(
                config,
                host=host,
                port=port,
                workers_in_process=workers,
                sync_every=sync_every or None,
                on_listening=listening,
            )
        )
    except OSError as exc:
        error = listen_error(exc, host, port, option="--port")
        if error is None:
            raise
        raise error from None
    consoles.line("Stopped.")


def worker_command(
    ctx: typer.Context,
    count: Annotated[int, typer.Option(min=1, help="Workers to run.")] = 1,
    sync_every: SyncEveryOption = DEFAULT_SYNC_EVERY_SECONDS,
) -> None:
    """Process queued webhook deliveries and Brevo writes, without a receiver."""
    runtime = runtime_of(ctx)
    config = runtime.config()
    service_logging(runtime, config)
    runtime.consoles.line(
        f"Running {count} worker(s); incremental sync every "
        f"{sync_every:g} s; Ctrl-C stops."
        if sync_every
        else f"Running {count} worker(s), poller off; Ctrl-C stops."
    )
    asyncio.run(run_workers(config, count=count, sync_every=sync_every or None))
    runtime.consoles.line("Stopped.")
