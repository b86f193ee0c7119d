"""`tajo sandbox` and `tajo serve` as long-running processes, stopped with Ctrl-C."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.cli.conftest import Workspace, tajo_command

from tajo.cli.sandbox import SANDBOX_EMAIL, SANDBOX_GORGIAS_KEY
from tajo.config import parse_config
from tajo.config.yamlfile import parse_yaml

START_TIMEOUT_SECONDS = 30.0
WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789"


class Lines:
    """The stdout lines of a process, read by a thread so a wait can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stream = process.stdout
        self.seen = ""
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        with self._stream:
            for line in self._stream:
                self._queue.put(line)
        self._queue.put(None)

    def until(self, pattern: str) -> re.Match[str]:
        """Return the match of the first line matching `pattern`."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen += line
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matched {pattern!r}; output:\n{self.seen}")

    def rest(self) -> str:
        """Return every line still to come (call once the process ended)."""
        lines = []
        while (line := self._queue.get(timeout=START_TIMEOUT_SECONDS)) is not None:
            lines.append(line)
        return "".join(lines)


@pytest.fixture
def start() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes started by a test; each is interrupted and reaped afterwards."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _spawn(
    started: list[subprocess.Popen[str]], args: list[str], env: dict[str, str]
) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - the installed tajo script, fixed arguments
        [*tajo_command(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
    )
    started.append(process)
    return process


def _stop(process: subprocess.Popen[str], lines: Lines) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=15)
    return code, lines.rest()


def test_sandbox_serves_both_simulators(
    start: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    process = _spawn(
        start,
        ["sandbox", "--gorgias-port", "0", "--brevo-port", "0", "--customers", "5"],
        {"TAJO_HOME": str(tmp_path)},
    )
    lines = Lines(process)
    found = lines.until(r"Gorgias simulator: (http://127\.0\.0\.1:\d+/api/)")
    lines.until(r"Press Ctrl-C to stop")
    response = httpx.get(
        found.group(1) + "account", auth=(SANDBOX_EMAIL, SANDBOX_GORGIAS_KEY)
    )
    code, rest = _stop(process, lines)
    assert response.status_code == 200
    assert code == 0
    assert "Simulators stopped." in rest


def test_serve_receives_and_stops_on_ctrl_c(
    installed: Workspace, start: list[subprocess.Popen[str]]
) -> None:
    text = installed.config.read_text(encoding="utf-8")
    installed.config.write_text(
        text.replace(
            "    phone_region: US\n",
            f'    phone_region: US\n    webhook: {{secret: "{WEBHOOK_SECRET}"}}\n',
        ),
        encoding="utf-8",
    )
    process = _spawn(
        start,
        [
            "--config",
            str(installed.config),
            "serve",
            "--port",
            "0",
            "--sync-every",
            "0",
        ],
        {"TAJO_HOME": str(installed.home)},
    )
    lines = Lines(process)
    found = lines.until(r"Receiving Gorgias webhooks at (http://\S+)")
    url = found.group(1)
    health = httpx.get(url.replace("/webhooks/gorgias", "/healthz"))
    unauthorized = httpx.post(
        url, json={"ticket_id": 1}, headers={"x-tajo-secret": "wrong"}
    )
    code, rest = _stop(process, lines)
    assert health.status_code == 200
    assert unauthorized.status_code == 401
    assert code == 0
    assert "Stopped." in rest


def test_sandbox_prints_the_rate_limit_it_enforces(
    start: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    process = _spawn(
        start,
        [
            "sandbox",
            "--gorgias-port",
            "0",
            "--brevo-port",
            "0",
            "--customers",
            "5",
            "--requests-per-window",
            "500",
            "--window-seconds",
            "10",
        ],
        {"TAJO_HOME": str(tmp_path)},
    )
    lines = Lines(process)
    lines.until(r"Press Ctrl-C to stop")
    _stop(process, lines)
    printed = lines.seen.split("A tajo.yaml for these simulators:\n", 1)[1]
    printed = printed.split("\nThen:", 1)[0]
    config = parse_config(parse_yaml(printed, "sandbox output"), environ={})
    assert config.gorgias.rate_limit.requests == 500
    assert config.gorgias.rate_limit.window_seconds == 10.0


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another socket listens on."""
    with socket.create_server(("127.0.0.1", 0)) as holder:
        yield holder.getsockname()[1]


def test_sandbox_busy_port_error_line(workspace: Workspace, busy_port: int) -> None:
    result = workspace.run(
        "sandbox", "--gorgias-port", str(busy_port), "--brevo-port", "0"
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: cannot listen on 127.0.0.1:{busy_port}: the address is already in "
        f"use; another process listens on port {busy_port}; stop it, or pick a "
        "free port with --gorgias-port"
    ]


def test_serve_busy_port_error_line(installed: Workspace, busy_port: int) -> None:
    text = installed.config.read_text(encoding="utf-8")
    installed.config.write_text(
        text.replace(
            "    phone_region: US\n",
            f'    phone_region: US\n    webhook: {{secret: "{WEBHOOK_SECRET}"}}\n',
        ),
        encoding="utf-8",
    )
    result = installed.run("serve", "--port", str(busy_port), "--sync-every", "0")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert errors == [
        f"error: cannot listen on 127.0.0.1:{busy_port}: the address is already in "
        f"use; another process listens on port {busy_port}; stop it, or pick a "
        "free port with --port"
    ]
    assert "Traceback" not in result.stderr
