"""`tajo connectors sync`: full then incremental, dry run, summary and JSON."""

from __future__ import annotations

import json

from tests.cli.conftest import Workspace

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
