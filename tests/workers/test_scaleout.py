"""Two receivers and two workers as separate processes on one PostgreSQL store.

The test process serves both simulators on loopback and fires every
delivery several times at both receivers. Each Brevo effect must happen
once, and the sync lease must keep the pollers of the two worker processes
from syncing at the same time. Processes share nothing but the database, so
the test polls it (and the Brevo simulator) until the work is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import yaml
from tests.workers.fixtures import HEADER, SECRET, config_data, simulators

from tajo.errors import LeaseHeldError
from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.gorgias import GorgiasSandbox
from tajo.store import Store, store_status
from tajo.store.inbox_repo import queue_depths
from tajo.store.runs import acquire_lease, last_sync_run, release_lease

TICKETS = 12
# The sync's lease name, held by the test to shut both pollers out.
LEASE = "sync:gorgias"
HOLDER = "scale-out-test"
TICKET_EVENTS = ("SUPPORT_TICKET_OPENED", "SUPPORT_TICKET_RESOLVED")
DEADLINE_SECONDS = 120.0
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[IO[str]]:
    """Run `python -m tajo.workers ARGS`; stdout is returned, stderr is logged."""
    with log.open("w") as errors:
        child = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "tajo.workers", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
        )
        try:
            assert child.stdout is not None
            yield child.stdout
        finally:
            assert child.stdout is not None
            child.stdout.close()
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def closed_tickets(gorgias: GorgiasSandbox) -> list[dict[str, Any]]:
    """Create one customer per ticket (so contacts are independent) and close."""
    tickets = []
    for number in range(TICKETS):
        customer = gorgias.create_customer(
            email=f"customer{number}@example.com", name=f"Customer {number}"
        )
        ticket = gorgias.create_ticket(customer["id"], subject=f"Order {number}")
        tickets.append(gorgias.close_ticket(ticket["id"]))
    return tickets


def body(ticket: dict[str, Any]) -> dict[str, str]:
    return {
        "ticket_id": str(ticket["id"]),
        "event_type": "ticket-updated",
        "ticket_status": "closed",
        "ticket_updated_datetime": str(ticket["updated_datetime"]),
    }


async def fire(urls: list[str], tickets: list[dict[str, Any]]) -> Counter[int]:
    """Send each ticket 3 times to the first receiver and twice to the second."""
    sends = [(urls[0], t) for t in tickets for _ in range(3)]
    sends += [(urls[1], t) for t in tickets for _ in range(2)]
    random.Random(7).shuffle(sends)
    async with httpx.AsyncClient(trust_env=False, timeout=30) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    f"{url}/webhooks/gorgias", json=body(t), headers={HEADER: SECRET}
                )
                for url, t in sends
            )
        )
    return Counter(response.status_code for response in responses)


def first_sync_done(store: Store) -> bool:
    with store.transaction("gorgias", read_only=True) as tx:
        return last_sync_run(tx, status="succeeded") is not None


def all_sent(store: Store, brevo: BrevoSandbox) -> bool:
    with store.transaction("gorgias", read_only=True) as tx:
        depths = queue_depths(tx)
        last = store_status(tx).last_sync
    tickets = [e for e in brevo.state()["events"] if e["event_name"] in TICKET_EVENTS]
    return (
        depths.inbox == 0
        and depths.outbox == 0
        and len(tickets) >= 2 * TICKETS
        and (last is None or last.status != "running")
    )


async def wait_for(done: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    # Other processes do the work; only the database shows when it is done.
    while not done():
        assert loop.time() < deadline, "the processes did not finish in time"
        await asyncio.sleep(0.2)


def take_lease(store: Store) -> bool:
    """Take the sync lease for the test, unless a sync has it now."""
    try:
        with store.transaction("gorgias") as tx:
            acquire_lease(tx, LEASE, HOLDER, ttl_seconds=600)
    except LeaseHeldError:
        return False
    return True


def skips(running: Cluster, role: str) -> int:
    return running.log_lines(role, "Skipped the incremental sync")


def finished_runs(store: Store) -> int:
    return sum(1 for _, finished, _ in sync_runs(store) if finished is not None)


def sync_runs(store: Store) -> list[tuple[Any, Any, str]]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT started_at, finished_at, status FROM sync_runs ORDER BY id"
        ).all()
    return [(row[0], row[1], row[2]) for row in rows]


@dataclass
class Cluster:
    """The simulators, the shared store and the receivers' URLs."""

    gorgias: GorgiasSandbox
    brevo: BrevoSandbox
    store: Store
    urls: list[str]
    logs: Path

    def effects(self) -> Counter[tuple[str, str | None, int | None]]:
        """Count Brevo events by name, contact and ticket."""
        return Counter(
            (
                e["event_name"],
                e["identifiers"].get("email_id"),
                e["event_properties"].get("ticket_id"),
            )
            for e in self.brevo.state()["events"]
        )

    def log_lines(self, role: str, text: str) -> int:
        """Count the lines of a process's log that contain `text`."""
        return (self.logs / f"{role}.log").read_text().count(text)


@contextlib.asynccontextmanager
async def cluster(
    postgres_url: str, tmp_path: Path, *, sync_every: str
) -> AsyncIterator[Cluster]:
    """Start two receivers and two workers (pollers every `sync_every`)."""
    with simulators(requests_per_window=5000) as (gorgias, brevo, g_url, b_url):
        data = config_data(
            gorgias_url=g_url,
            brevo_url=b_url,
            database_url=postgres_url,
            rate_limit={"requests": 1000, "window_seconds": 20},
        )
        config_path = tmp_path / "tajo.yaml"
        config_path.write_text(yaml.safe_dump(data))
        store = Store.open(postgres_url)
        env = {**os.environ, "TAJO_HOME": str(tmp_path / "home")}
        common = ["--config", str(config_path), "--poll-interval", "0.2"]
        receiver = [*common, "--sync-every", "off", "serve", "--port", "0"]
        worker = [*common, "--sync-every", sync_every, "work"]
        try:
            with (
                process([*receiver, "--workers", "0"], env, tmp_path / "r1.log") as r1,
                process([*receiver, "--workers", "0"], env, tmp_path / "r2.log") as r2,
                process(worker, env, tmp_path / "w1.log"),
                process(worker, env, tmp_path / "w2.log"),
            ):
                urls = [r1.readline().split()[-1], r2.readline().split()[-1]]
                yield Cluster(gorgias, brevo, store, urls, tmp_path)
        finally:
            store.close()


async def test_two_receivers_two_workers_each_effect_once(
    postgres_url: str, tmp_path: Path
) -> None:
    async with cluster(postgres_url, tmp_path, sync_every="off") as running:
        tickets = closed_tickets(running.gorgias)
        statuses = await fire(running.urls, tickets)
        await wait_for(lambda: all_sent(running.store, running.brevo))
        effects = running.effects()
        # Successful writes only: a 429 (the processes share Brevo's budget)
        # changed nothing, and the client sent the request again.
        writes = Counter(
            r.body.get("email")
            for r in running.brevo.requests
            if r.method == "POST"
            and r.path == "/v3/contacts"
            and r.status is not None
            and 200 <= r.status < 300
        )
    assert statuses == Counter({202: 5 * TICKETS})
    # Per customer: created, ticket opened, ticket resolved; each once.
    assert len(effects) == 3 * TICKETS
    assert set(effects.values()) == {1}
    assert len(writes) == TICKETS
    assert set(writes.values()) == {1}


async def test_pollers_of_two_workers_never_sync_together(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with cluster(postgres_url, tmp_path, sync_every="0.3") as running:
        await wait_for(lambda: first_sync_done(running.store))
        after_first_sync = len(running.brevo.requests)
        tickets = closed_tickets(running.gorgias)
        await fire(running.urls, tickets)
        await wait_for(lambda: all_sent(running.store, running.brevo))
        # Pollers and workers both see each closed ticket; one write each.
        writes = Counter(
            r.body.get("email")
            for r in running.brevo.requests[after_first_sync:]
            if r.method == "POST"
            and r.path == "/v3/contacts"
            and r.status is not None
            and 200 <= r.status < 300
        )

        # While another holder has the lease, both pollers must skip.
        await wait_for(lambda: take_lease(running.store))
        held_from = datetime.now(UTC)
        await wait_for(lambda: skips(running, "w1") > 0 and skips(running, "w2") > 0)
        held_until = datetime.now(UTC)
        with running.store.transaction("gorgias") as tx:
            release_lease(tx, LEASE, HOLDER)

        runs_before = finished_runs(running.store)
        await wait_for(lambda: finished_runs(running.store) >= runs_before + 4)
        effects = running.effects()
        runs = sync_runs(running.store)
    with capsys.disabled():
        print(
            f"\nsync runs: {len(runs)}; skipped: {skips(running, 'w1')} + "
            f"{skips(running, 'w2')}"
        )
    assert set(effects.values()) == {1}
    assert len(writes) == TICKETS
    assert set(writes.values()) == {1}
    assert not [run for run in runs if held_from <= run[0] <= held_until]
    for (_, first_end, _), (second_start, _, _) in itertools.pairwise(runs):
        assert first_end is not None
        assert first_end <= second_start
