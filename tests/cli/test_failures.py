"""`tajo connectors failed` and `replay`, with a ticket Gorgias sends broken."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from tests.cli.conftest import Workspace

from tajo.store import Store, add_failed_record

BROKEN_ID = 86539999
BROKEN_DATE = "the 3rd of May"


def _seed_broken_ticket(workspace: Workspace) -> dict[str, Any]:
    """Add a ticket whose creation date cannot be parsed."""
    gorgias = workspace.simulators.gorgias
    with gorgias.store.lock:
        model = next(iter(gorgias.store.collections["tickets"].values()))
        ticket = copy.deepcopy(model)
    ticket.update(
        id=BROKEN_ID,
        uri=f"/api/tickets/{BROKEN_ID}/",
        messages=[],
        satisfaction_survey=None,
        created_datetime=BROKEN_DATE,
    )
    gorgias.seed_objects(tickets=[ticket])
    return ticket


def _repair_ticket(workspace: Workspace, ticket: dict[str, Any]) -> None:
    gorgias = workspace.simulators.gorgias
    fixed = dict(ticket, created_datetime="2026-07-01T10:00:00+00:00")
    gorgias.seed_objects(tickets=[fixed])


def _failed(workspace: Workspace) -> list[dict[str, Any]]:
    result = workspace.run("connectors", "failed", "gorgias", "--json")
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


@pytest.fixture
def broken(installed: Workspace) -> dict[str, Any]:
    """A full sync that set the broken ticket aside."""
    ticket = _seed_broken_ticket(installed)
    result = installed.run("connectors", "sync", "gorgias", "--type", "full")
    assert result.exit_code == 0, result.stdout + result.stderr
    return ticket


def test_failed_is_empty_before_any_failure(installed: Workspace) -> None:
    result = installed.run("connectors", "failed", "gorgias")
    assert result.exit_code == 0
    assert "✓ No failed records" in result.stdout


def test_failed_lists_the_broken_ticket(
    installed: Workspace, broken: dict[str, Any]
) -> None:
    records = _failed(installed)
    assert [(r["recordType"], r["recordId"]) for r in records] == [
        ("ticket", str(BROKEN_ID))
    ]


def test_failed_table_names_the_reason(
    installed: Workspace, broken: dict[str, Any]
) -> None:
    result = installed.run("connectors", "failed", "gorgias")
    assert "invalid_record" in result.stdout
    assert f"ticket {BROKEN_ID}" in result.stdout


def test_sync_summary_points_to_the_ledger(installed: Workspace) -> None:
    _seed_broken_ticket(installed)
    result = installed.run("connectors", "sync", "gorgias", "--type", "full")
    assert "records failed and were set aside" in result.stdout
    assert "tajo connectors failed gorgias" in result.stdout


def test_replay_of_a_still_broken_ticket_exits_1(
    installed: Workspace, broken: dict[str, Any]
) -> None:
    entry = _failed(installed)[0]["id"]
    result = installed.run("connectors", "replay", "gorgias", "--id", str(entry))
    assert result.exit_code == 1
    assert "Still failing" in result.stdout


def test_replay_after_the_fix_resolves_the_entry(
    installed: Workspace, broken: dict[str, Any]
) -> None:
    _repair_ticket(installed, broken)
    result = installed.run("connectors", "replay", "gorgias", "--all")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert _failed(installed) == []


def test_replay_unknown_id_is_a_usage_error(installed: Workspace) -> None:
    result = installed.run("connectors", "replay", "gorgias", "--id", "424242")
    assert result.exit_code == 2
    assert "no failed record with id 424242" in result.stderr


def _reject_delivery(workspace: Workspace, digest: str = "0123456789abcdef") -> int:
    """Add a ledger entry as the receiver does for a body it cannot read."""
    store = Store.open(workspace.database_url)
    try:
        with store.transaction("gorgias") as tx:
            return add_failed_record(
                tx,
                "webhook",
                "delivery",
                f"sha256:{digest}",
                reason="invalid_json",
                detail="the body is not JSON",
                payload={"status": 400, "body": "<ticket/>"},
            )
    finally:
        store.engine.dispose()


def test_replay_all_skips_rejected_deliveries(installed: Workspace) -> None:
    entry = _reject_delivery(installed)
    result = installed.run("connectors", "replay", "gorgias", "--all")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"Not replayable, left as they are: {entry}" in result.stdout
    assert "Still failing" not in result.stdout


def test_failed_points_rejected_deliveries_to_dismiss(installed: Workspace) -> None:
    entry = _reject_delivery(installed)
    result = installed.run("connectors", "failed", "gorgias")
    assert f"Not replayable (webhook rejections or handler failures): {entry}" in (
        result.stdout
    )
    assert "--dismiss" in result.stdout
    assert "replay gorgias --all" not in result.stdout
    assert _failed(installed)[0]["replayable"] is False


def test_failed_dismiss_marks_the_entry_resolved(installed: Workspace) -> None:
    entry = _reject_delivery(installed)
    result = installed.run(
        "connectors", "failed", "gorgias", "--dismiss", str(entry), "--note", "spam"
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"Dismissed (marked resolved): {entry}" in result.stdout
    assert _failed(installed) == []

    listed = installed.run("connectors", "failed", "gorgias", "--resolved")
    assert f"[dismissed] #{entry} delivery" in listed.stdout
    assert "[dismissed: spam]" in listed.stdout
    assert "0 unresolved, 1 resolved" in listed.stdout
    assert "Replay them with" not in listed.stdout


def test_failed_dismiss_all_rejected(installed: Workspace) -> None:
    first = _reject_delivery(installed)
    second = _reject_delivery(installed, "fedcba9876543210")
    result = installed.run("connectors", "failed", "gorgias", "--dismiss-all-rejected")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"Dismissed (marked resolved): {second}, {first}" in result.stdout
    assert _failed(installed) == []


def test_failed_dismiss_unknown_id_is_a_usage_error(installed: Workspace) -> None:
    result = installed.run("connectors", "failed", "gorgias", "--dismiss", "424242")
    assert result.exit_code == 2
    assert "no failed record with id 424242" in result.stderr


def test_failed_resolved_marks_replayed_entries(
    installed: Workspace, broken: dict[str, Any]
) -> None:
    _repair_ticket(installed, broken)
    assert installed.run("connectors", "replay", "gorgias", "--all").exit_code == 0
    listed = installed.run("connectors", "failed", "gorgias", "--resolved")
    assert f"[resolved] #{_failed_all(installed)[0]['id']} ticket" in listed.stdout
    assert "Replay them with" not in listed.stdout


def _failed_all(workspace: Workspace) -> list[dict[str, Any]]:
    result = workspace.run("connectors", "failed", "gorgias", "--json", "--resolved")
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records
