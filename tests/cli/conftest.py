"""Fixtures for the CLI tests: both simulators on loopback and a work folder.

Commands run in-process through Typer's CliRunner against simulators served
by uvicorn on 127.0.0.1 (started once, reset before each test), with a real
SQLite state file and a key file in the test's temporary folder. The
simulators use fake keys that differ from the ones `tajo sandbox` prints, so
a test can search every output for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.fixtures.store import (  # noqa: F401 (fixtures are found by name)
    postgres_server_url,
    postgres_url,
    sqlite_url,
)
from typer.testing import CliRunner, Result

from tajo.cli.main import app
from tajo.cli.sandbox import (
    AccountSize,
    Simulators,
    build_simulators,
    fill_simulators,
    sample_config,
)
from tajo.cli.sandbox import serving as serving_simulators
from tajo.credentials import ENV_KEY

GORGIAS_KEY = "gorgias-fake-key-3f9a1c77d2e84b60"
BREVO_KEY = "xkeysib-fake-brevo-key-51d0e2aa9c"
EMAIL = "agent@example.com"
# A generous request budget, so no test waits for a rate limit. The client
# and simulator tests cover the rate limits themselves.
FAST_LIMIT = (1000, 20.0)
BREVO_PER_SECOND = 500
SMALL = AccountSize(seed=11, customers=30, tickets=60, surveys=15)


@dataclass
class Workspace:
    """A temporary folder with tajo.yaml, the state database and the key file."""

    root: Path
    config: Path
    simulators: Simulators
    runner: CliRunner

    @property
    def home(self) -> Path:
        """The data directory ($TAJO_HOME): the key file lives here."""
        return self.root / "home"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.root / 'tajo.db'}"

    def write_config(self, extra: str = "", **options: object) -> None:
        """Write tajo.yaml for the simulators, with `extra` YAML appended."""
        text = sample_config(
            self.simulators,
            database_url=str(options.get("database_url", self.database_url)),
            rate_limit=FAST_LIMIT,
            brevo_key=str(options.get("brevo_key", BREVO_KEY)),
            brevo_per_second=BREVO_PER_SECOND,
        )
        self.config.write_text(text + extra, encoding="utf-8")

    def run(
        self, *args: str, input: str | None = None, options: Sequence[str] = ()
    ) -> Result:
        """Run `tajo [OPTIONS] --config tajo.yaml ARGS` and return the result."""
        command = [*options, "--config", str(self.config), *args]
        return self.runner.invoke(app, command, input=input)

    def install(self, key: str = GORGIAS_KEY) -> Result:
        """Install the Gorgias connection with `key`."""
        return self.run(
            "connectors",
            "install",
            "gorgias",
            "--api-key",
            key,
            "--email",
            EMAIL,
        )


def tajo_command() -> list[str]:
    """Return the installed `tajo` script, or the app's module when it is absent."""
    script = Path(sys.executable).with_name("tajo")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from tajo.cli.main import app; app()"]


def outputs(results: Sequence[Result]) -> str:
    """Return every stdout and stderr of `results`, joined."""
    return "\n".join(r.stdout + r.stderr for r in results)


@pytest.fixture(scope="session")
def served() -> Iterator[Simulators]:
    """Both simulators, served on loopback once for the whole session."""
    built = build_simulators(
        SMALL,
        gorgias_requests_per_window=FAST_LIMIT[0],
        gorgias_window_seconds=FAST_LIMIT[1],
        gorgias_key=GORGIAS_KEY,
        brevo_key=BREVO_KEY,
        brevo_per_second=BREVO_PER_SECOND,
    )
    with serving_simulators(built) as live:
        yield live


@pytest.fixture
def simulators(served: Simulators) -> Simulators:
    """The served simulators, reset to a fresh small account for this test."""
    served.gorgias.reset()
    served.gorgias.api_key = GORGIAS_KEY
    served.brevo.reset()
    fill_simulators(served, SMALL)
    return served


@pytest.fixture
def workspace(
    tmp_path: Path, simulators: Simulators, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    """A work folder whose tajo.yaml points at the simulators."""
    monkeypatch.setenv("TAJO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.delenv("TAJO_CONFIG", raising=False)
    monkeypatch.delenv("GORGIAS_API_KEY", raising=False)
    monkeypatch.delenv("GORGIAS_EMAIL", raising=False)
    space = Workspace(
        root=tmp_path,
        config=tmp_path / "tajo.yaml",
        simulators=simulators,
        runner=CliRunner(),
    )
    space.write_config()
    return space


@pytest.fixture
def installed(workspace: Workspace) -> Workspace:
    """A work folder with the Gorgias connection installed."""
    result = workspace.install()
    assert result.exit_code == 0, result.stdout + result.stderr
    return workspace
