"""A sync killed with SIGKILL and run again ends where an uninterrupted one does.

The sync runs in a child process against simulators that this test serves
on loopback. A gate in front of one simulator holds the request that marks
the kill point, the test kills the child while it waits for that answer, and
a second child resumes from the same store file. A third child syncs the same
account into a fresh store and a fresh Brevo account without interruption.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.brevo import create_app as brevo_app
from tajo.sandbox.gorgias import GorgiasSandbox, generate_account
from tajo.sandbox.gorgias import create_app as gorgias_app
from tajo.sandbox.server import serve
from tajo.store import Store, get_watermark, set_watermark

from .sync_child import BREVO_KEY, GORGIAS_EMAIL, GORGIAS_KEY

CHILD = Path(__file__).with_name("sync_child.py")
ROOT = Path(__file__).resolve().parents[2]
LISTS = (35, 36, 37, 40)
WAIT_SECONDS = 120


class Gate:
    """ASGI wrapper that holds the n-th request under `prefix` until released."""

    def __init__(self, app: ASGIApp, prefix: str, nth: int) -> None:
        self.app = app
        self.prefix = prefix
        self.nth = nth
        self.seen = 0
        self.reached = threading.Event()
        self.release = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            self.seen += 1
            if self.seen == self.nth:
                self.reached.set()
                await asyncio.to_thread(self.release.wait, WAIT_SECONDS)
                return
        await self.app(scope, receive, send)


def brevo_account() -> BrevoSandbox:
    sandbox = BrevoSandbox(
        api_key=BREVO_KEY,
        contacts_per_second=100_000,
        contacts_per_hour=10_000_000,
        events_per_second=100_000,
        events_per_hour=10_000_000,
        other_per_hour=1_000_000,
        import_seconds_to_complete=None,
    )
    sandbox.seed(lists=[{"id": i, "name": f"list {i}"} for i in LISTS])
    return sandbox


@contextlib.contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    with serve(app) as server:
        yield server.base_url


def child(store_url: str, gorgias_url: str, brevo_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    # The command is this interpreter running a test script with loopback URLs.
    return subprocess.Popen(  # noqa: S603
        [sys.executable, str(CHILD), store_url, gorgias_url, f"{brevo_url}/v3"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(process: subprocess.Popen[bytes]) -> None:
    _, stderr = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, stderr.decode()[-2000:]


def summary(state: dict[str, Any]) -> tuple[dict[str, Any], Counter[str]]:
    contacts = {
        c["attributes"]["GORGIAS_ID"]: (c["email"], c["attributes"], c["listIds"])
        for c in state["contacts"]
    }
    events = Counter(
        repr(
            (
                e["event_name"],
                sorted(e["identifiers"].items()),
                e["event_date"],
                sorted(e["event_properties"].items()),
            )
        )
        for e in state["events"]
    )
    return contacts, events


@pytest.mark.slow
@pytest.mark.parametrize(
    ("side", "prefix", "nth"),
    [
        pytest.param("gorgias", "/api/tickets", 6, id="while-reading"),
        pytest.param("brevo", "/v3/events/batch", 2, id="while-writing"),
    ],
)
def test_killed_sync_resumes_to_same_state(
    tmp_path: Path, side: str, prefix: str, nth: int
) -> None:
    data = generate_account(
        7,
        customers=1_200,
        tickets=2_400,
        surveys=300,
        now=datetime.now(UTC),
        owner_email=GORGIAS_EMAIL,
    )
    gorgias = GorgiasSandbox(
        email=GORGIAS_EMAIL,
        api_key=GORGIAS_KEY,
        requests_per_window=1_000_000,
        window_seconds=1.0,
    )
    gorgias.load(data)
    killed_brevo, clean_brevo = brevo_account(), brevo_account()
    killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    gated_g = Gate(gorgias_app(gorgias), prefix, nth)
    gated_b = Gate(brevo_app(killed_brevo), prefix, nth)
    gate = gated_g if side == "gorgias" else gated_b
    with (
        gorgias,
        served(gated_g if side == "gorgias" else gorgias_app(gorgias)) as g_url,
        served(gated_b if side == "brevo" else brevo_app(killed_brevo)) as kb_url,
        served(brevo_app(clean_brevo)) as cb_url,
        served(gorgias_app(gorgias)) as plain_g_url,
    ):
        first = child(killed_url, g_url, kb_url)
        try:
            assert gate.reached.wait(WAIT_SECONDS), "the kill point was never reached"
            os.kill(first.pid, signal.SIGKILL)
            first.communicate(timeout=WAIT_SECONDS)
        finally:
            gate.release.set()
        assert first.returncode == -signal.SIGKILL
        finish(child(killed_url, plain_g_url, kb_url))

        # The uninterrupted run shares the install instant, so both runs
        # draw the backfill window from the same moment.
        with Store.open(killed_url) as killed, Store.open(clean_url) as clean:
            with killed.transaction("gorgias", read_only=True) as tx:
                installed = get_watermark(tx, "first_sync_at")
            assert installed is not None
            with clean.transaction("gorgias") as tx:
                set_watermark(tx, "first_sync_at", installed)
        finish(child(clean_url, plain_g_url, cb_url))

    resumed_contacts, resumed_events = summary(killed_brevo.state())
    clean_contacts, clean_events = summary(clean_brevo.state())
    assert resumed_contacts == clean_contacts
    assert resumed_events == clean_events
    assert max(resumed_events.values()) == 1
    assert len(resumed_events) > 0
