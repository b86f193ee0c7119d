"""The runnable example of docs/library.md, run against the `tajo sandbox` account."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tajo.cli.sandbox import (
    SANDBOX_ADMIN_TOKEN,
    SANDBOX_BREVO_KEY,
    SANDBOX_EMAIL,
    SANDBOX_GORGIAS_KEY,
    AccountSize,
    build_simulators,
    serving,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "library.md"

# Runs the example file unchanged, with Brevo import polls 0.2 s apart instead
# of 36 s; the Brevo simulator finishes imports at once.
LAUNCHER = (
    "import runpy\n"
    "from tajo.brevo import BrevoClient\n"
    "BrevoClient.__init__.__kwdefaults__['import_poll_seconds'] = 0.2\n"
    "runpy.run_path('example.py', run_name='__main__')\n"
)


def example_section() -> str:
    return DOC.read_text().split("## Runnable example", 1)[1]


def block(kind: str) -> str:
    """Return the first fenced block of `kind` in the runnable example."""
    found = re.search(rf"```{kind}\n(.*?)```", example_section(), re.DOTALL)
    assert found is not None, f"no {kind} block in the runnable example"
    return found.group(1)


def test_library_doc_example_prints_the_documented_lines(tmp_path: Path) -> None:
    (tmp_path / "tajo.yaml").write_text(block("yaml"))
    (tmp_path / "example.py").write_text(block("python"))
    (tmp_path / "launch.py").write_text(LAUNCHER)
    # The account and lists `tajo sandbox` serves with its default options.
    with serving(build_simulators(AccountSize())) as sims:
        env = {
            **os.environ,
            "GORGIAS_BASE_URL": sims.gorgias_api,
            "BREVO_BASE_URL": sims.brevo_api,
            "GORGIAS_API_KEY": SANDBOX_GORGIAS_KEY,
            "GORGIAS_EMAIL": SANDBOX_EMAIL,
            "BREVO_API_KEY": SANDBOX_BREVO_KEY,
            "SANDBOX_ADMIN_TOKEN": SANDBOX_ADMIN_TOKEN,
            "TAJO_WEBHOOK_SECRET": "a-long-random-shared-secret",
            "TAJO_HOME": str(tmp_path / "home"),
        }
        env.pop("TAJO_ENCRYPTION_KEY", None)
        env.pop("TICKET_ID", None)
        run = subprocess.run(
            [sys.executable, "launch.py"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        events = sims.brevo.state()["events"]

    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == block("text").splitlines()
    resolved = [
        event
        for event in events
        if event["event_name"] == "SUPPORT_TICKET_RESOLVED"
        and (event.get("event_properties") or {}).get("ticket_id") == 86530003
    ]
    assert len(resolved) == 1
    # The sync may send the trigger for recent surveys too; the example's
    # own call is the one to the address it names.
    upsells = [
        event
        for event in events
        if event["event_name"] == "POST_SUPPORT_UPSELL"
        and "ravi.doe13@example.com" in str(event.get("identifiers"))
    ]
    assert len(upsells) == 1


def test_library_doc_example_shell_block_names_every_variable() -> None:
    script = block("python")
    shell = block("sh")
    for name in set(re.findall(r"os\.environ\[\"(\w+)\"\]", script)):
        assert f"{name}=" in shell, name
    assert "${TAJO_WEBHOOK_SECRET}" in block("yaml")
    assert "TAJO_WEBHOOK_SECRET=" in shell
