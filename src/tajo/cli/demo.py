"""`tajo demo`: the whole product end to end, with no account and no network.

It serves both simulators on loopback, writes a tajo.yaml into a temporary
folder (which also contains the state database and the encryption key), and
then walks through what a user does: install, test, a full sync, changes in
Gorgias, an incremental sync, and a look at Brevo and at the status.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from tajo.cli import install as setup
from tajo.cli.checks import Check
from tajo.cli.connectors import print_checks, run_all_checks
from tajo.cli.demo_changes import make_changes
from tajo.cli.output import Consoles, format_instant, format_seconds
from tajo.cli.runtime import Runtime, runtime_of
from tajo.cli.sandbox import (
    SANDBOX_EMAIL,
    SANDBOX_GORGIAS_KEY,
    AccountSize,
    Simulators,
    build_simulators,
    sample_config,
    serving,
)
from tajo.cli.status import collect_status, print_status
from tajo.cli.summary import print_summary
from tajo.cli.sync_cmd import SyncOptions, sync_with_progress
from tajo.config import TajoConfig
from tajo.redact import Secret

STEPS = 7
# The demo's Gorgias budget: ten times the real 40 requests per 20 s, so a
# few hundred customers sync in seconds. The ETA uses whatever budget is set.
DEMO_RATE_LIMIT = (400, 20.0)
# The Brevo simulator finishes an import after two status polls; the real
# Brevo is polled every 36 s because /processes allows 100 requests per hour.
DEMO_IMPORT_POLL_SECONDS = 0.5
# Contacts shown from Brevo; the counts cover all of them.
CONTACT_SAMPLE = 5
_SHOWN_ATTRIBUTES = ("FIRSTNAME", "TICKET_COUNT", "LAST_SUPPORT_DATE", "CSAT_SCORE")


def _step(consoles: Consoles, number: int, title: str) -> None:
    consoles.line("")
    consoles.line(f"[{number}/{STEPS}] {title}", style="bold")


def demo_command(
    ctx: typer.Context,
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Keep the work folder and print its path."),
    ] = False,
    customers: Annotated[
        int, typer.Option(min=20, max=5000, help="Customers in the generated account.")
    ] = 300,
    seed: Annotated[int, typer.Option(help="Seed of the generated account.")] = 7,
) -> None:
    """Run tajo end to end against local simulators: no accounts, no network."""
    parent = runtime_of(ctx)
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="tajo-demo-"))
    try:
        run_demo(parent, folder, AccountSize(seed=seed, customers=customers))
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    consoles = parent.consoles
    consoles.line("")
    took = format_seconds(time.monotonic() - started)
    if keep:
        consoles.line(f"Demo finished in {took}. Work folder kept: {folder}")
        consoles.line(
            f"  Try: tajo --config {folder / 'tajo.yaml'} connectors status gorgias"
        )
        consoles.line(f"  (with TAJO_HOME={folder}, where the encryption key is)")
    else:
        consoles.line(
            f"Demo finished in {took}. Work folder removed (--keep keeps it)."
        )


def run_demo(parent: Runtime, folder: Path, size: AccountSize) -> None:
    """Run every step of the demo in `folder`."""
    consoles = parent.consoles
    consoles.line(
        "tajo demo: Gorgias -> Brevo end to end, against simulators on this "
        "machine (no accounts, no network)",
        style="bold",
    )
    _step(consoles, 1, "Start the Gorgias and Brevo simulators on 127.0.0.1")
    simulators = build_simulators(
        size,
        gorgias_requests_per_window=DEMO_RATE_LIMIT[0],
        gorgias_window_seconds=DEMO_RATE_LIMIT[1],
    )
    with serving(simulators) as live:
        config_path = folder / "tajo.yaml"
        config_path.write_text(
            sample_config(
                live,
                database_url=f"sqlite:///{folder / 'tajo.db'}",
                rate_limit=DEMO_RATE_LIMIT,
            ),
            encoding="utf-8",
        )
        runtime = Runtime(
            config_path=config_path,
            config_named=True,
            consoles=consoles,
            verbose=parent.verbose,
            debug=parent.debug,
            data_dir=folder,
            environ={},
            brevo_import_poll_seconds=DEMO_IMPORT_POLL_SECONDS,
        )
        _describe_setup(consoles, live, size, folder)
        _walk_through(runtime, runtime.config(), live)


def _describe_setup(
    consoles: Consoles, live: Simulators, size: AccountSize, folder: Path
) -> None:
    consoles.line(
        f"  Gorgias {live.gorgias_api}: {size.customers} customers, "
        f"{size.ticket_count} tickets, {size.survey_count} surveys (generated, "
        "messy on purpose: missing emails, local phone formats, spam)"
    )
    consoles.line(f"  Brevo   {live.brevo_api}: an empty account with 5 lists")
    consoles.line(
        f"  Work folder {folder}: tajo.yaml, the state database and the encryption key"
    )
    consoles.line(
        f"  The simulated Gorgias budget is {DEMO_RATE_LIMIT[0]} requests per "
        f"{DEMO_RATE_LIMIT[1]:g} s, ten times the real one, to keep the demo short"
    )


def _walk_through(runtime: Runtime, config: TajoConfig, live: Simulators) -> None:
    consoles = runtime.consoles
    _step(consoles, 2, "tajo connectors install gorgias")
    request = setup.InstallRequest(
        domain=config.gorgias.domain,
        email=SANDBOX_EMAIL,
        api_key=Secret(SANDBOX_GORGIAS_KEY),
        base_url=live.gorgias_api,
    )
    connection = setup.install(runtime, config, request)
    setup.print_installed(
        consoles,
        connection,
        database=runtime.database_url(config),
        key_file=runtime.keyring(create=False).path,
    )

    _step(consoles, 3, "tajo connectors test gorgias")
    checks: list[Check] = asyncio.run(run_all_checks(runtime, config))
    print_checks(consoles, checks)

    _step(consoles, 4, "tajo connectors sync gorgias --type full")
    full = sync_with_progress(runtime, config, SyncOptions(mode="full"))
    print_summary(consoles, full, tags_synced=config.gorgias.sync.tags)

    _step(consoles, 5, "Meanwhile in Gorgias: agents and customers change things")
    for change in make_changes(live.gorgias):
        consoles.line(f"  - {change.description}")

    _step(consoles, 6, "tajo connectors sync gorgias (incremental)")
    events_before = len(live.brevo.state()["events"])
    incremental = sync_with_progress(runtime, config, SyncOptions(mode="incremental"))
    print_summary(consoles, incremental, tags_synced=False)

    _step(consoles, 7, "What landed in Brevo, and tajo connectors status gorgias")
    print_brevo(consoles, live.brevo.state(), new_events_from=events_before)
    consoles.line("")
    print_status(consoles, collect_status(runtime, config))


def print_brevo(
    consoles: Consoles, state: dict[str, Any], *, new_events_from: int
) -> None:
    """Print contacts, list sizes and events from the Brevo simulator's state."""
    contacts = state["contacts"]
    consoles.line(f"Contacts: {len(contacts)}; a few of them:")
    for contact in _sample(contacts):
        attributes = contact["attributes"]
        who = contact["email"] or attributes.get("SMS") or contact["ext_id"] or "?"
        shown = ", ".join(
            f"{name}={_value(attributes[name])}"
            for name in _SHOWN_ATTRIBUTES
            if name in attributes
        )
        lists = ", ".join(str(item) for item in contact["listIds"])
        consoles.line(f"  {who}: {shown}; lists {lists}")

    members: Counter[int] = Counter()
    for contact in contacts:
        members.update(contact["listIds"])
    consoles.line("Lists:")
    for item in state["lists"]:
        consoles.line(
            f"  {item['id']:>3} {item['name']}: {members[item['id']]} members"
        )

    events = state["events"]
    by_name = Counter(event["event_name"] for event in events)
    shown = ", ".join(f"{name} {count}" for name, count in sorted(by_name.items()))
    consoles.line(f"Events: {len(events)} ({shown or 'none'})")
    for event in events[new_events_from:]:
        who = ", ".join(str(value) for value in event["identifiers"].values())
        consoles.line(
            f"  new: {event['event_name']} for {who} at "
            f"{format_instant(event['event_date'])}"
        )


def _value(value: object) -> str:
    """Show 4.0 as 4: Brevo stores counts as floats."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sample(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prefer contacts with CSAT and tickets, so the table shows real values."""
    ranked = sorted(
        contacts,
        key=lambda c: (
            "CSAT_SCORE" not in c["attributes"],
            -len(c["listIds"]),
            c["id"],
        ),
    )
    return ranked[:CONTACT_SAMPLE]
