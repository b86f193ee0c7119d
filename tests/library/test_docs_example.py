"""The runnable example of docs/library.md, run as a script against the simulators."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.workers.fixtures import (
    BREVO_KEY,
    GORGIAS_EMAIL,
    GORGIAS_KEY,
    SECRET,
    simulators,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "library.md"
PAYLOADS = Path(__file__).resolve().parents[1] / "sandbox" / "gorgias" / "payloads"


def example_files() -> tuple[str, str]:
    """Return the YAML and the Python block of the doc's runnable example."""
    text = DOC.read_text().split("## Runnable example", 1)[1]
    yaml_block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    python_block = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert yaml_block is not None and python_block is not None
    return yaml_block.group(1), python_block.group(1)


def old_ticket() -> dict[str, Any]:
    ticket: dict[str, Any] = json.loads((PAYLOADS / "ticket.json").read_text())
    return ticket


def test_library_doc_example_runs(tmp_path: Path) -> None:
    config_text, script = example_files()
    (tmp_path / "tajo.yaml").write_text(config_text)
    (tmp_path / "example.py").write_text(script)

    # An old closed ticket (history) and a new one closed now, whose id the
    # example names: the simulator gives the next id above the seeded one.
    seeded = old_ticket()
    with simulators() as (gorgias, brevo, gorgias_url, brevo_url):
        gorgias.seed_objects(customers=[seeded["customer"]], tickets=[seeded])
        ticket = gorgias.create_ticket(seeded["customer"]["id"], subject="Order #1002")
        gorgias.close_ticket(ticket["id"])

        env = {
            **os.environ,
            "GORGIAS_BASE_URL": gorgias_url,
            "BREVO_BASE_URL": brevo_url,
            "GORGIAS_API_KEY": GORGIAS_KEY,
            "GORGIAS_EMAIL": GORGIAS_EMAIL,
            "BREVO_API_KEY": BREVO_KEY,
            "TAJO_WEBHOOK_SECRET": SECRET,
            "TAJO_HOME": str(tmp_path / "home"),
        }
        env.pop("TAJO_ENCRYPTION_KEY", None)
        run = subprocess.run(
            [sys.executable, "example.py"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        events = brevo.state()["events"]

    assert run.returncode == 0, run.stderr[-2000:]
    assert ticket["id"] == 86538299
    assert "ticket 86538299 resolved in" in run.stdout
    assert "webhook: updated ticket.created, ticket.closed" in run.stdout
    assert "campaign: sent" in run.stdout
    names = [event["event_name"] for event in events]
    assert names.count("SUPPORT_TICKET_RESOLVED") == 1
    assert names.count("POST_SUPPORT_UPSELL") == 1
