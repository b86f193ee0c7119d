"""Bad command-line values: a usage error (exit 2) naming the value and the fix."""

from __future__ import annotations

import pytest
from tests.cli.conftest import Workspace

from tajo.cli.main import app, hoist_global_options


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--since", "yesterday"],
            "since='yesterday' is not a date; expected YYYY-MM-DD",
        ),
        (["--since", "2999-01-01"], "since='2999-01-01' is in the future"),
        (["--resources", "customers,orders"], "unknown resource 'orders'"),
        (["--resources", ","], "unknown resource ','"),
        (["--batch-size", "0"], "batch_size=0 is out of range; expected 1 to 1000"),
        (["--batch-size", "1001"], "batch_size=1001 is out of range"),
        (["--type", "partial"], "type='partial' is not a sync type"),
    ],
    ids=[
        "since-word",
        "since-future",
        "resource",
        "empty",
        "batch-0",
        "batch-1001",
        "type",
    ],
)
def test_sync_bad_value_is_usage_error(
    workspace: Workspace, args: list[str], expected: str
) -> None:
    result = workspace.run("connectors", "sync", "gorgias", *args)
    assert result.exit_code == 2
    assert expected in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["connectors", "sync", "gorgias", "--since", "yesterday"],
        ["connectors", "sync", "gorgias", "--resources", "foo"],
        ["connectors", "sync", "gorgias", "--batch-size", "0"],
        ["connectors", "sync", "gorgias", "--no-such-option"],
        ["serve", "--port", "not-a-number"],
        ["--no-such-global-option", "version"],
    ],
    ids=["since", "resources", "batch-size", "unknown-option", "port", "global"],
)
def test_bad_option_value_prints_one_error_line(
    workspace: Workspace, args: list[str]
) -> None:
    result = workspace.run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Usage:" not in result.stderr


def test_missing_argument_keeps_the_usage_block(workspace: Workspace) -> None:
    result = workspace.run("connectors", "sync")
    assert result.exit_code == 2
    assert "Usage: tajo connectors sync" in result.stderr


def test_help_still_prints_usage(workspace: Workspace) -> None:
    result = workspace.run("connectors", "sync", "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_sync_bad_value_sends_nothing(workspace: Workspace) -> None:
    workspace.run("connectors", "sync", "gorgias", "--since", "yesterday")
    assert workspace.simulators.gorgias.requests == []


def test_replay_needs_ids_or_all(workspace: Workspace) -> None:
    result = workspace.run("connectors", "replay", "gorgias")
    assert result.exit_code == 2
    assert "expected --id N (repeatable) or --all" in result.stderr


def test_missing_config_file_is_a_config_error(workspace: Workspace) -> None:
    workspace.config.unlink()
    result = workspace.run("connectors", "test", "gorgias")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: configuration file not found")


def test_invalid_config_is_a_config_error(workspace: Workspace) -> None:
    workspace.config.write_text("connectors: {gorgias: {domain: 'a b'}}\n")
    result = workspace.run("connectors", "test", "gorgias")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: invalid configuration")


def test_debug_shows_the_traceback(workspace: Workspace) -> None:
    workspace.config.unlink()
    result = workspace.run("connectors", "test", "gorgias", options=["--debug"])
    assert "Traceback" in result.stderr


def test_global_options_may_follow_the_command(installed: Workspace) -> None:
    workspace = installed
    result = workspace.runner.invoke(
        app,
        [
            "connectors",
            "status",
            "gorgias",
            "--json",
            "--config",
            str(workspace.config),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert '"connector": "gorgias"' in result.stdout


def test_hoist_keeps_arguments_after_double_dash() -> None:
    args = ["connectors", "test", "gorgias", "--", "--debug"]
    assert hoist_global_options(args) == args


def test_hoist_moves_config_and_flags_first() -> None:
    args = ["connectors", "sync", "gorgias", "-c", "x.yaml", "--debug", "--dry-run"]
    assert hoist_global_options(args) == [
        "-c",
        "x.yaml",
        "--debug",
        "connectors",
        "sync",
        "gorgias",
        "--dry-run",
    ]
