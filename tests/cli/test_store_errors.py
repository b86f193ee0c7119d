"""State database problems end the command with one `error:` line, not a traceback."""

from __future__ import annotations

import sys

import pytest
from tests.cli.conftest import Workspace

from tajo.errors import ConfigError
from tajo.store.engine import create_store_engine
from tajo.store.paths import default_data_dir


def test_database_folder_that_cannot_be_created(workspace: Workspace) -> None:
    workspace.write_config(database_url="sqlite:////proc/nope/tajo.db")
    result = workspace.run("connectors", "status", "gorgias")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1
    assert errors[0].startswith("error: cannot create folder: folder=/proc/nope ")
    assert "change state.database_url to a writable location" in errors[0]


def test_data_directory_that_cannot_be_created() -> None:
    with pytest.raises(ConfigError, match=r"folder=/proc/nope/tajo \(from \$TAJO_HOME"):
        default_data_dir({"TAJO_HOME": "/proc/nope/tajo"})


def test_postgresql_without_its_driver_names_the_extra(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes `import psycopg` fail as if it were absent.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    workspace.write_config(
        database_url="postgresql://tajo:PG-PASSWORD-LEAK@127.0.0.1:1/tajo"
    )
    result = workspace.run("connectors", "status", "gorgias")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1
    assert errors[0].startswith(
        "error: PostgreSQL support is not installed: pip install 'tajo[postgres]'"
    )
    assert "Traceback" not in result.stderr
    assert "PG-PASSWORD-LEAK" not in result.stdout + result.stderr


def test_postgresql_engine_without_its_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(ConfigError, match=r"pip install 'tajo\[postgres\]'"):
        create_store_engine("postgresql+pg8000://tajo@127.0.0.1:1/tajo")
