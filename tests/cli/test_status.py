"""`tajo connectors status`: the JSON keys and the text for people."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.cli.conftest import Workspace

from tajo.cli.hints import SKIP_HINTS
from tajo.cli.main import app

STATUS_KEYS = {
    "connector",
    "connected",
    "connectionProblem",
    "domain",
    "keyFingerprint",
    "lastSync",
    "customersCount",
    "ticketsTracked",
    "csatResponses",
    "lastRun",
    "skips",
    "failures",
    "throttledSeconds",
    "pending",
    "webhook",
}


def _status(workspace: Workspace, *, exit_code: int = 0) -> dict[str, Any]:
    result = workspace.run("connectors", "status", "gorgias", "--json")
    assert result.exit_code == exit_code, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_status_json_has_every_key(installed: Workspace) -> None:
    assert set(_status(installed)) == STATUS_KEYS


def test_status_before_any_sync(installed: Workspace) -> None:
    data = _status(installed)
    assert (data["connected"], data["lastSync"], data["customersCount"]) == (
        True,
        None,
        0,
    )


def test_status_after_a_full_sync(installed: Workspace) -> None:
    installed.run("connectors", "sync", "gorgias", "--type", "full")
    data = _status(installed)
    assert data["lastSync"] is not None
    assert data["customersCount"] == 30
    assert data["ticketsTracked"] == 60
    assert data["lastRun"]["type"] == "full"


def test_status_counts_answered_surveys(installed: Workspace) -> None:
    installed.run("connectors", "sync", "gorgias", "--type", "full")
    surveys = installed.simulators.gorgias.store.collections["satisfaction-surveys"]
    answered = sum(1 for survey in surveys.values() if survey.get("score") is not None)
    assert _status(installed)["csatResponses"] == answered


def test_status_reports_queue_depths(installed: Workspace) -> None:
    pending = _status(installed)["pending"]
    assert pending == {"outbox": 0, "outboxFailed": 0, "inbox": 0, "inboxFailed": 0}


def test_status_reports_skips_of_the_last_run(installed: Workspace) -> None:
    installed.run("connectors", "sync", "gorgias", "--type", "full")
    assert _status(installed)["skips"].get("no_email_or_phone", 0) > 0


def test_status_text_names_the_account(installed: Workspace) -> None:
    result = installed.run("connectors", "status", "gorgias")
    assert "✓ Connected to demo-store.gorgias.com" in result.stdout
    assert "Last successful sync: never" in result.stdout


def test_status_without_installation_is_not_connected(workspace: Workspace) -> None:
    data = _status(workspace, exit_code=1)
    assert data["connected"] is False
    assert "tajo connectors install gorgias" in data["connectionProblem"]


def test_status_text_without_installation_exits_1(workspace: Workspace) -> None:
    result = workspace.run("connectors", "status", "gorgias")
    assert result.exit_code == 1
    assert "✗ Not connected" in result.stdout


def test_status_without_config_file_says_where_it_looked(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace.root)
    workspace.config.unlink()
    result = workspace.runner.invoke(app, ["connectors", "status", "gorgias"])
    assert result.exit_code == 1
    assert "✗ Not connected" in result.stdout
    assert "warning: no configuration file found" in result.stderr
    assert str(workspace.root / "tajo.yaml") in result.stderr


def test_status_without_key_file_reports_the_problem(installed: Workspace) -> None:
    (installed.home / "secret.key").unlink()
    data = _status(installed, exit_code=1)
    assert data["connected"] is False
    assert "encryption key missing" in data["connectionProblem"]


def test_event_without_contact_hint_is_a_whole_sentence() -> None:
    hint = SKIP_HINTS["event_without_contact"]
    assert not hint.endswith("once the customer is")
    assert "dropped" in hint


@pytest.mark.postgres
def test_status_after_sync_on_postgresql(
    workspace: Workspace, postgres_url: str
) -> None:
    workspace.write_config(database_url=postgres_url)
    workspace.install()
    workspace.run("connectors", "sync", "gorgias", "--type", "full")
    assert _status(workspace)["customersCount"] == 30
