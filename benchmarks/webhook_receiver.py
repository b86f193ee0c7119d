"""Benchmark the webhook receiver: accepted deliveries per second, p50/p99 latency.

Runs the receiver with uvicorn on 127.0.0.1 for each store backend and sends a
bounded number of deliveries from httpx async clients with a fixed number in
flight. Every delivery is written to the inbox before its 202, so this
measures the receiver plus one committed database write. The clients run in
the same process as the receiver and share its CPU, so the figures are a
lower bound for a receiver running alone.

    python benchmarks/webhook_receiver.py --requests 2000 --concurrency 32

PostgreSQL is skipped with a message when $TAJO_TEST_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test) cannot be reached; the run
uses a temporary schema and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from tajo.config import WebhookConfig
from tajo.sandbox.server import serve
from tajo.store import Store
from tajo.store.inbox_repo import queue_depths
from tajo.webhooks import create_webhook_app

SECRET = "benchmark-shared-secret-0123456789"  # noqa: S105 - a loopback fixture
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True, slots=True)
class Result:
    """Throughput and latencies measured on one backend."""

    backend: str
    sent: int
    accepted: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rate = self.accepted / self.seconds if self.seconds else 0.0
        return (
            f"{self.backend:<11} {self.sent:>8} {self.accepted:>9} "
            f"{rate:>10.0f} {p50:>9.1f} {p99:>9.1f}"
        )


@contextlib.contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="tajo-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'tajo.db'}"


@contextlib.contextmanager
def postgres_url() -> Iterator[str | None]:
    url = os.environ.get("TAJO_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    admin = make_url(url).set(drivername="postgresql")
    libpq = admin.render_as_string(hide_password=False)
    schema = f"tajo_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(libpq, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        print(f"postgresql: skipped, unreachable ({exc})")
        yield None
        return
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def fire(base_url: str, *, requests: int, concurrency: int) -> Result:
    latencies: list[float] = []
    accepted = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        queue.put_nowait(number)

    async def sender() -> None:
        # One client and one connection per sender, as separate Gorgias
        # connections would be. A shared pool of many connections costs the
        # client more CPU than the receiver spends, which would be measured.
        nonlocal accepted
        async with httpx.AsyncClient(
            base_url=base_url,
            limits=httpx.Limits(max_connections=1),
            timeout=30,
            trust_env=False,
        ) as http:
            while True:
                try:
                    number = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = {
                    "ticket_id": str(1000 + number % 500),
                    "event_type": "ticket-updated",
                    "ticket_status": "closed",
                }
                started = time.perf_counter()
                response = await http.post(
                    "/webhooks/gorgias", json=body, headers={"x-tajo-secret": SECRET}
                )
                latencies.append(time.perf_counter() - started)
                accepted += response.status_code == 202

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    return Result("", requests, accepted, seconds, latencies)


def run_backend(name: str, url: str, *, requests: int, concurrency: int) -> Result:
    store = Store.open(url)
    config = WebhookConfig.model_validate({"secret": SECRET})
    app = create_webhook_app(store=store, config=config)
    try:
        with serve(app) as server:
            # A short warm-up, so connection set-up is not measured.
            asyncio.run(fire(server.base_url, requests=50, concurrency=4))
            result = asyncio.run(
                fire(server.base_url, requests=requests, concurrency=concurrency)
            )
        with store.transaction("gorgias", read_only=True) as tx:
            stored = queue_depths(tx).inbox
    finally:
        store.close()
    if stored != result.accepted + 50:
        print(f"{name}: warning: inbox holds {stored} rows")
    return Result(name, result.sent, result.accepted, result.seconds, result.latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 256:
        parser.error("use 1 to 100000 requests and 1 to 256 in flight")
    backends = [name.strip() for name in args.backends.split(",")]
    results: list[Result] = []
    for name in backends:
        source = sqlite_url() if name == "sqlite" else postgres_url()
        with source as url:
            if url is None:
                continue
            results.append(
                run_backend(
                    name, url, requests=args.requests, concurrency=args.concurrency
                )
            )
    print(
        f"{'backend':<11} {'sent':>8} {'accepted':>9} {'per sec':>10} "
        f"{'p50 ms':>9} {'p99 ms':>9}"
    )
    for result in results:
        print(result.row())


if __name__ == "__main__":
    main()
