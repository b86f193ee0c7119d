"""Benchmark: a full sync of a large simulated account, then an incremental one.

    python benchmarks/sync_full.py --scale 1000
    python benchmarks/sync_full.py --customers 1000 --tickets 2000 --surveys 250

Both simulators run on loopback in this process. Their rate limits, and the
clients' budgets, are the real defaults (Gorgias 40 requests per 20 s; Brevo
10 per second for contacts and events, 100 per hour for the rest) multiplied
by `--scale`, so the run takes minutes instead of hours. For each sync the
script prints the wall time, the requests each simulator received, and the
time the unscaled limits would have cost at least: each family's requests
spread over its window, Gorgias reads first and Brevo writes after.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tajo.brevo import BrevoClient, BrevoRateLimits
from tajo.clock import SystemClock
from tajo.config import DEFAULT_FIELD_MAPPING, parse_config
from tajo.gorgias import GorgiasClient
from tajo.redact import Secret
from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.brevo import create_app as brevo_app
from tajo.sandbox.gorgias import GorgiasSandbox, generate_account
from tajo.sandbox.gorgias import create_app as gorgias_app
from tajo.sandbox.server import serve
from tajo.store import Store
from tajo.sync import SyncEngine, SyncReport

EMAIL = "owner@example.com"
GORGIAS_KEY = "gorgias-fake-key-for-benchmarks"
BREVO_KEY = "xkeysib-fake-key-for-tests"
LISTS = {"all_support_contacts": 35, "satisfied_customers": 36}
TAG_LIST = 40
# Real limits: Gorgias API keys, and Brevo's general plan per endpoint family.
GORGIAS_PER_WINDOW, GORGIAS_WINDOW = 40, 20.0
BREVO_PER_SECOND, BREVO_OTHER_PER_HOUR = 10, 100


@dataclass(frozen=True)
class Measure:
    """One sync's figures."""

    name: str
    wall_seconds: float
    gorgias_requests: int
    brevo_requests: int
    brevo_by_family: Counter[str]
    report: SyncReport

    def unscaled_seconds(self) -> float:
        """Least time the real limits allow for these requests."""
        reads = self.gorgias_requests / GORGIAS_PER_WINDOW * GORGIAS_WINDOW
        writes = (
            self.brevo_by_family["contacts"] / BREVO_PER_SECOND
            + self.brevo_by_family["events"] / BREVO_PER_SECOND
            + self.brevo_by_family["other"] / BREVO_OTHER_PER_HOUR * 3600
        )
        return reads + writes


def family(path: str) -> str:
    """Return the Brevo rate-limit family of a simulator request path."""
    tail = path.removeprefix("/v3")
    if tail == "/contacts" or tail.startswith("/contacts/"):
        return "contacts"
    if tail.startswith("/events"):
        return "events"
    return "other"


@contextmanager
def simulators(
    args: argparse.Namespace,
) -> Iterator[tuple[GorgiasSandbox, BrevoSandbox, str, str]]:
    """Generate the account and serve both simulators with scaled limits."""
    scale = args.scale
    gorgias = GorgiasSandbox(
        email=EMAIL,
        api_key=GORGIAS_KEY,
        requests_per_window=GORGIAS_PER_WINDOW * scale,
        window_seconds=GORGIAS_WINDOW,
    )
    started = time.perf_counter()
    gorgias.load(
        generate_account(
            args.seed,
            customers=args.customers,
            tickets=args.tickets,
            surveys=args.surveys,
            now=datetime.now(UTC),
            owner_email=EMAIL,
        )
    )
    print(f"generated the account in {time.perf_counter() - started:.1f} s")
    brevo = BrevoSandbox(
        api_key=BREVO_KEY,
        contacts_per_second=BREVO_PER_SECOND * scale,
        contacts_per_hour=36_000 * scale,
        events_per_second=BREVO_PER_SECOND * scale,
        events_per_hour=36_000 * scale,
        other_per_hour=BREVO_OTHER_PER_HOUR * scale,
        import_seconds_to_complete=None,
    )
    brevo.seed(
        lists=[{"id": i, "name": f"list {i}"} for i in [*LISTS.values(), TAG_LIST]]
    )
    with ExitStack() as stack:
        stack.enter_context(gorgias)
        g = stack.enter_context(serve(gorgias_app(gorgias)))
        b = stack.enter_context(serve(brevo_app(brevo)))
        yield gorgias, brevo, g.base_url, f"{b.base_url}/v3"


async def measure(
    name: str,
    args: argparse.Namespace,
    urls: tuple[str, str],
    store: Store,
    sims: tuple[GorgiasSandbox, BrevoSandbox],
    mode: str,
) -> Measure:
    """Run one sync with fresh clients and count what the simulators saw."""
    scale = args.scale
    config = parse_config(
        {
            "connectors": {
                "gorgias": {
                    "domain": "benchmark.gorgias.com",
                    "lists": LISTS,
                    "tag_lists": {"vip": TAG_LIST},
                    "phone_region": "US",
                    "field_mapping": _field_mapping(),
                    "rate_limit": {
                        "requests": min(GORGIAS_PER_WINDOW * scale, 1000),
                        "window_seconds": GORGIAS_WINDOW
                        / max(1.0, GORGIAS_PER_WINDOW * scale / 1000),
                    },
                }
            },
            "brevo": {"api_key": BREVO_KEY},
        }
    )
    clock = SystemClock()
    gorgias_sim, brevo_sim = sims
    g_before, b_before = len(gorgias_sim.requests), len(brevo_sim.requests)
    limits = BrevoRateLimits(
        contacts_per_second=BREVO_PER_SECOND * scale,
        events_per_second=BREVO_PER_SECOND * scale,
        other_per_hour=BREVO_OTHER_PER_HOUR * scale,
    )
    async with (
        GorgiasClient(
            "benchmark",
            EMAIL,
            Secret(GORGIAS_KEY),
            base_url=urls[0],
            clock=clock,
            requests_per_window=config.gorgias.rate_limit.requests,
            window_seconds=config.gorgias.rate_limit.window_seconds,
        ) as gorgias,
        BrevoClient(
            Secret(BREVO_KEY),
            base_url=urls[1],
            clock=clock,
            rate_limits=limits,
            import_poll_seconds=36.0 / scale,
        ) as brevo,
    ):
        engine = SyncEngine(
            config=config, store=store, gorgias=gorgias, brevo=brevo, clock=clock
        )
        started = time.perf_counter()
        report = await engine.run(mode="full" if mode == "full" else "incremental")
        wall = time.perf_counter() - started
    brevo_log = brevo_sim.requests[b_before:]
    return Measure(
        name=name,
        wall_seconds=wall,
        gorgias_requests=len(gorgias_sim.requests) - g_before,
        brevo_requests=len(brevo_log),
        brevo_by_family=Counter(family(record.path) for record in brevo_log),
        report=report,
    )


def _field_mapping() -> dict[str, str]:
    # The published example: defaults plus two customer custom fields, which
    # cost one request per changed customer.
    return {
        **DEFAULT_FIELD_MAPPING,
        "customer_type": "CUSTOMER_TYPE",
        "vip_status": "VIP_STATUS",
    }


def show(result: Measure) -> None:
    """Print one sync's figures."""
    report = result.report
    families = ", ".join(f"{k} {v}" for k, v in sorted(result.brevo_by_family.items()))
    print(f"{result.name}:")
    print(f"  wall time            {result.wall_seconds:10.1f} s")
    print(f"  gorgias requests     {result.gorgias_requests:10d}")
    print(f"  brevo requests       {result.brevo_requests:10d}  ({families})")
    print(f"  unscaled limits cost {result.unscaled_seconds():10.0f} s at least")
    print(
        f"  contacts written {report.contacts_written}, unchanged "
        f"{report.contacts_unchanged}, events sent {report.events_sent}, "
        f"historical left out {report.historical_events}, failures {report.failures}"
    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder, simulators(args) as sims:
        gorgias_sim, brevo_sim, g_url, b_url = sims
        store_url = args.store or f"sqlite:///{Path(folder) / 'tajo.db'}"
        with Store.open(store_url) as store:
            full = await measure(
                "full sync",
                args,
                (g_url, b_url),
                store,
                (gorgias_sim, brevo_sim),
                "full",
            )
            show(full)
            incremental = await measure(
                "incremental sync",
                args,
                (g_url, b_url),
                store,
                (gorgias_sim, brevo_sim),
                "incremental",
            )
            show(incremental)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000, help="rate-limit factor")
    parser.add_argument("--customers", type=int, default=14_200)
    parser.add_argument("--tickets", type=int, default=28_600)
    parser.add_argument("--surveys", type=int, default=3_400)
    parser.add_argument("--seed", type=int, default=20260812)
    parser.add_argument("--store", default=None, help="state database URL")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
