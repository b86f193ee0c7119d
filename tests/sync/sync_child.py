"""Run one full sync in its own process, for the kill-and-resume test.

Usage: python tests/sync/sync_child.py STORE_URL GORGIAS_URL BREVO_URL

Both simulators are served by the test process on loopback; their rate
limits are raised, and so are the clients', so the run takes seconds of real
time. The exit status is 0 when the sync finished.
"""

from __future__ import annotations

import asyncio
import sys

from tajo.brevo import BrevoClient, BrevoRateLimits
from tajo.clock import SystemClock
from tajo.config import parse_config
from tajo.gorgias import GorgiasClient
from tajo.redact import Secret
from tajo.store import Store
from tajo.sync import SyncEngine

GORGIAS_EMAIL = "owner@example.com"
GORGIAS_KEY = "gorgias-fake-key-for-sync-tests"
BREVO_KEY = "xkeysib-fake-key-for-tests"


def config_data() -> dict[str, object]:
    """The configuration of the child runs: lists 35-37, tag list 40."""
    return {
        "connectors": {
            "gorgias": {
                "domain": "yourstore.gorgias.com",
                "lists": {
                    "all_support_contacts": 35,
                    "satisfied_customers": 36,
                    "dissatisfied_customers": 37,
                },
                "tag_lists": {"vip": 40},
                "phone_region": "US",
                "rate_limit": {"requests": 1000, "window_seconds": 1},
            }
        },
        "brevo": {"api_key": BREVO_KEY},
    }


async def main(store_url: str, gorgias_url: str, brevo_url: str) -> None:
    clock = SystemClock()
    config = parse_config(config_data())
    store = Store.open(store_url, clock=clock)
    limits = BrevoRateLimits(
        contacts_per_second=10_000, events_per_second=10_000, other_per_hour=100_000
    )
    async with (
        GorgiasClient(
            "yourstore",
            GORGIAS_EMAIL,
            Secret(GORGIAS_KEY),
            base_url=gorgias_url,
            clock=clock,
            requests_per_window=config.gorgias.rate_limit.requests,
            window_seconds=config.gorgias.rate_limit.window_seconds,
        ) as gorgias,
        BrevoClient(
            Secret(BREVO_KEY),
            base_url=brevo_url,
            clock=clock,
            rate_limits=limits,
            import_poll_seconds=0.01,
        ) as brevo,
    ):
        engine = SyncEngine(
            config=config, store=store, gorgias=gorgias, brevo=brevo, clock=clock
        )
        await engine.run(mode="full")
    store.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
