"""No command ever prints an API key: not on success, errors or debug logs."""

from __future__ import annotations

import logging

import pytest
from tests.cli.conftest import BREVO_KEY, GORGIAS_KEY, Workspace, outputs

DEBUG = ["-vv", "--debug"]


def test_no_output_contains_the_keys(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tajo")
    results = [
        workspace.install(key="a-wrong-key-for-the-error-path"),
        workspace.run(
            "connectors", "install", "gorgias", "--api-key", GORGIAS_KEY, options=DEBUG
        ),
        workspace.run("connectors", "test", "gorgias", options=DEBUG),
        workspace.run("connectors", "sync", "gorgias", "--type", "full", options=DEBUG),
        workspace.run("connectors", "sync", "gorgias", "--dry-run", options=DEBUG),
        workspace.run("connectors", "status", "gorgias", "--json", options=DEBUG),
        workspace.run("connectors", "failed", "gorgias", "--json", options=DEBUG),
        workspace.run(
            "connectors",
            "rotate-key",
            "gorgias",
            "--api-key",
            GORGIAS_KEY,
            options=DEBUG,
        ),
    ]
    text = outputs(results) + caplog.text
    assert all(r.exit_code in (0, 1) for r in results)
    assert GORGIAS_KEY not in text
    assert BREVO_KEY not in text


def test_debug_output_logs_api_calls(workspace: Workspace) -> None:
    workspace.install()
    result = workspace.run("connectors", "test", "gorgias", options=DEBUG)
    assert "GET /api/account" in result.stderr
    assert GORGIAS_KEY not in result.stderr


def test_wrong_brevo_key_error_hides_the_key(installed: Workspace) -> None:
    installed.write_config(brevo_key="xkeysib-wrong-but-secret-0987")
    result = installed.run("connectors", "sync", "gorgias", options=DEBUG)
    assert result.exit_code == 1
    assert "xkeysib-wrong-but-secret-0987" not in result.stdout + result.stderr


_BASE_CONFIG = "connectors:\n  gorgias:\n    domain: demo-store.gorgias.com\n"


@pytest.mark.parametrize(
    ("extra", "secret"),
    [
        ('brevo:\n  apikey: "xkeysib-LEAKED-SECRET-9999"\n', "LEAKED-SECRET-9999"),
        ('    api_kee: "gorgias-LEAKED-KEY-1111"\n', "LEAKED-KEY-1111"),
        ('    webhook: {secrett: "LEAKED-WEBHOOK-2222"}\n', "LEAKED-WEBHOOK-2222"),
        ('brevo:\n  api_key: ["xkeysib-LEAKED-LIST-5555"]\n', "LEAKED-LIST-5555"),
        (
            "state:\n  database_url: mysql://tajo:DBPASSWORD-LEAK@127.0.0.1:1/tajo\n",
            "DBPASSWORD-LEAK",
        ),
        (
            "state:\n  database_url: mysql://127.0.0.1/tajo?password=QUERY-LEAK-3333\n",
            "QUERY-LEAK-3333",
        ),
    ],
    ids=[
        "brevo-apikey",
        "gorgias-api-kee",
        "webhook-secrett",
        "api-key-list",
        "database-password",
        "database-query-password",
    ],
)
def test_config_error_under_debug_hides_secrets(
    workspace: Workspace, extra: str, secret: str
) -> None:
    # Indented extras continue `connectors.gorgias`; the others add sections.
    workspace.config.write_text(_BASE_CONFIG + extra, encoding="utf-8")
    result = workspace.run("connectors", "status", "gorgias", options=DEBUG)
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert "error: invalid configuration" in result.stderr
    assert secret not in result.stdout + result.stderr
