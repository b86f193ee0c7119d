"""`tajo demo` end to end in a subprocess, as a new user runs it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.cli.conftest import tajo_command

DEMO_TIMEOUT_SECONDS = 120


def _run_demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TAJO_", "GORGIAS_", "BREVO_"))
    }
    env.update(TMPDIR=str(tmp_path), TAJO_HOME=str(tmp_path / "unused-home"))
    return subprocess.run(  # noqa: S603 - the installed tajo script, fixed arguments
        [*tajo_command(), "demo", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=DEMO_TIMEOUT_SECONDS,
        check=False,
    )


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = _run_demo(tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(r"^Contacts: \d+", result.stdout, re.MULTILINE)
    assert re.search(r"^Events: \d+ \(", result.stdout, re.MULTILINE)
    assert "new: SUPPORT_TICKET_RESOLVED for" in result.stdout
    assert "new: CSAT_SUBMITTED for" in result.stdout
    assert "Work folder removed" in result.stdout
    assert not list(tmp_path.glob("tajo-demo-*"))


def test_demo_keep_leaves_the_work_folder(tmp_path: Path) -> None:
    result = _run_demo(tmp_path, "--keep", "--customers", "80")
    kept = re.search(r"Work folder kept: (\S+)", result.stdout)
    assert result.returncode == 0, result.stderr[-2000:]
    assert kept is not None
    folder = Path(kept.group(1))
    assert {"tajo.yaml", "tajo.db", "secret.key"} <= {p.name for p in folder.iterdir()}
