"""`tajo connectors sync`: full then incremental, dry run, summary and JSON."""

from __future__ import annotations

import io
import json
import re

from rich.console import Console
from tests.cli.conftest import Workspace

from tajo.cli.progress import RichProgress
from tajo.sandbox.brevo import BrevoSandbox

WRITE_METHODS = {"POST", "PUT", "DELETE"}


def _brevo_writes(brevo: BrevoSandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in brevo.requests if r.method in WRITE_METHODS]


def _sync(workspace: Workspace, *args: str) -> dict[str, object]:
    result = workspace.run("connectors", "sync", "gorgias", "--json", *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_sync_full_writes_contacts_and_lists(installed: Workspace) -> None:
    report = _sync(installed, "--type", "full")
    contacts = installed.simulators.brevo.state()["contacts"]
    assert report["contacts_written"] == len(contacts)
    assert all(35 in contact["listIds"] for contact in contacts)


def test_sync_incremental_after_full_sends_no_write(installed: Workspace) -> None:
    _sync(installed, "--type", "full")
    before = len(_brevo_writes(installed.simulators.brevo))
    report = _sync(installed)
    assert report["contacts_written"] == 0
    assert len(_brevo_writes(installed.simulators.brevo)) == before


def test_sync_incremental_sends_a_closed_ticket_event(installed: Workspace) -> None:
    _sync(installed, "--type", "full")
    gorgias = installed.simulators.gorgias
    with gorgias.store.lock:
        ticket = next(
            t
            for t in gorgias.store.collections["tickets"].values()
            if t["status"] == "open"
            and not t["spam"]
            and not t["trashed_datetime"]
            and (t.get("customer") or {}).get("email")
        )
    gorgias.close_ticket(ticket["id"])
    report = _sync(installed)
    names = [e["event_name"] for e in installed.simulators.brevo.state()["events"]]
    assert report["events_sent"] == 1
    assert names[-1] == "SUPPORT_TICKET_RESOLVED"


def test_sync_dry_run_writes_nothing_to_brevo(installed: Workspace) -> None:
    _sync(installed, "--type", "full", "--dry-run")
    assert _brevo_writes(installed.simulators.brevo) == []


def test_sync_dry_run_lists_planned_writes(installed: Workspace) -> None:
    report = _sync(installed, "--type", "full", "--dry-run")
    plan = report["plan"]
    assert isinstance(plan, dict)
    assert len(plan["contacts"]) > 0


def test_sync_dry_run_lists_historical_events(installed: Workspace) -> None:
    report = _sync(installed, "--type", "full", "--dry-run")
    plan = report["plan"]
    assert isinstance(plan, dict)
    assert len(plan["historical"]) == report["historical_events"] > 0


def test_sync_dry_run_prints_the_plan(installed: Workspace) -> None:
    result = installed.run("connectors", "sync", "gorgias", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Dry run: nothing was sent to Brevo. Planned writes:" in result.stdout
    assert "historical events left out (older than the backfill window)" in (
        result.stdout
    )


def test_sync_prints_summary_with_skip_hints(installed: Workspace) -> None:
    result = installed.run("connectors", "sync", "gorgias", "--type", "full")
    assert result.exit_code == 0, result.stderr
    assert "Run #1 (full) finished" in result.stdout
    assert "no_email_or_phone" in result.stdout
    assert "email_then_sms_then_ext_id" in result.stdout


def test_sync_first_run_explains_the_missing_eta(installed: Workspace) -> None:
    result = installed.run("connectors", "sync", "gorgias", "--type", "full")
    assert "the ETA appears from the next sync on" in result.stdout


def test_sync_resources_limit_the_reads(installed: Workspace) -> None:
    report = _sync(installed, "--type", "full", "--resources", "tags,users")
    assert set(report["resources"]) == {"tags", "users"}  # type: ignore[arg-type]


def test_sync_without_brevo_key_is_a_config_error(installed: Workspace) -> None:
    text = installed.config.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "api_key" not in line]
    installed.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = installed.run("connectors", "sync", "gorgias")
    assert result.exit_code == 2
    assert "error: missing Brevo API key" in result.stderr


def test_sync_dry_run_summary_counts_the_plan(installed: Workspace) -> None:
    plan = _sync(installed, "--type", "full", "--dry-run")["plan"]
    assert isinstance(plan, dict)
    result = installed.run(
        "connectors", "sync", "gorgias", "--type", "full", "--dry-run"
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert re.search(rf"contacts would be written\s*│\s*{len(plan['contacts'])}\b", out)
    assert re.search(rf"events to send\s*│\s*{len(plan['events'])}\b", out)
    assert len(plan["contacts"]) > 0
    assert len(plan["events"]) > 0
    # Nothing is queued by a dry run: its outbox rows are rolled back.
    assert "still queued" not in out


def test_sync_dry_run_event_lines_name_contact(installed: Workspace) -> None:
    plan = _sync(installed, "--type", "full", "--dry-run")["plan"]
    assert isinstance(plan, dict)
    first = plan["events"][0]["event"]
    result = installed.run(
        "connectors", "sync", "gorgias", "--type", "full", "--dry-run"
    )
    lines = result.stdout.splitlines()
    items = [line.strip() for line in lines if line.strip().startswith("- ")]
    assert items and all(len(line) > 2 for line in items)
    who = next(iter(first["identifiers"].values()))
    assert any(
        line.startswith(f"- {first['event_name']}, to {who}, at {first['event_date']}")
        for line in items
    )
    historical = plan["historical"][0]
    assert any(
        line.startswith(f"- {historical['event_name']}, to ")
        and f"at {historical['event_date']}" in line
        for line in items
    )


def test_sync_dry_run_json_reports_nothing_queued(installed: Workspace) -> None:
    report = _sync(installed, "--type", "full", "--dry-run")
    assert report["pending_writes"] == 0


def test_progress_labels_write_bar_with_message() -> None:
    console = Console(file=io.StringIO(), width=200)
    with RichProgress(console) as progress:
        progress.on_stage("write", 3)
        progress.on_message("Waiting for Brevo to import 3 contacts into list 35")
        labels = [task.description for task in progress._progress.tasks]
        assert labels == ["Write: Waiting for Brevo to import 3 contacts into list 35"]
    # A finished stage goes back to its plain label.
    assert [task.description for task in progress._progress.tasks] == ["Write"]
