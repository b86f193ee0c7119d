"""`tajo connectors test`: one line per check, ✗ with cause and fix, exit status."""

from __future__ import annotations

from tests.cli.conftest import Workspace

from tajo.redact import Secret
from tajo.webhooks import integration_body

GORGIAS_LINES = [
    "✓ API authentication successful",
    "✓ Customer list accessible",
    "✓ Ticket data readable",
    "✓ CSAT surveys available",
    "✓ Tags listable",
]
WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789"
WEBHOOK_YAML = f"""    webhook:
      secret: "{WEBHOOK_SECRET}"
      public_url: "http://127.0.0.1:9/webhooks/gorgias"
"""


def _insert(workspace: Workspace, after: str, extra: str) -> None:
    """Add YAML lines to tajo.yaml right after the line `after`."""
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text.replace(after, after + extra), encoding="utf-8")


def _with_gorgias_extra(workspace: Workspace, extra: str) -> None:
    _insert(workspace, "    phone_region: US\n", extra)


def test_checks_all_pass(installed: Workspace) -> None:
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 0, result.stdout
    assert all(line in result.stdout.splitlines() for line in GORGIAS_LINES)


def test_checks_report_brevo_lists(installed: Workspace) -> None:
    result = installed.run("connectors", "test", "gorgias")
    assert "✓ Brevo lists exist: 35 (All support contacts)" in result.stdout


def test_checks_missing_list_fails_with_fix(installed: Workspace) -> None:
    text = installed.config.read_text(encoding="utf-8")
    installed.config.write_text(
        text.replace("all_support_contacts: 35", "all_support_contacts: 99"),
        encoding="utf-8",
    )
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "✗ Brevo list 99 not found" in result.stdout
    assert "fix: create the list in Brevo > Contacts > Lists" in result.stdout


def test_checks_missing_attribute_will_be_created(installed: Workspace) -> None:
    result = installed.run("connectors", "test", "gorgias")
    assert "will be created on the first sync: GORGIAS_ID (text)" in result.stdout


def test_checks_missing_attribute_fails_without_creation(
    installed: Workspace,
) -> None:
    _insert(installed, "brevo:\n", "  create_missing_attributes: false\n")
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "✗ Brevo attribute TICKET_COUNT missing" in result.stdout


def test_checks_incompatible_attribute_type_fails(installed: Workspace) -> None:
    installed.simulators.brevo.create_attribute("TICKET_COUNT", "text")
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "TICKET_COUNT is text in Brevo, but field_mapping.nb_tickets" in (
        result.stdout
    )


def test_checks_wrong_brevo_key_fails_with_fix(installed: Workspace) -> None:
    installed.write_config(brevo_key="xkeysib-wrong-key")
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "fix: create a key under Brevo > SMTP & API > API keys" in result.stdout


def test_checks_wrong_gorgias_key_skips_the_reads(installed: Workspace) -> None:
    installed.simulators.gorgias.api_key = "a-key-the-store-does-not-have"
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "(not checked: authentication failed)" in result.stdout


def test_checks_missing_webhook_fails(installed: Workspace) -> None:
    _with_gorgias_extra(installed, WEBHOOK_YAML)
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "✗ Webhook integration missing" in result.stdout


def test_checks_deactivated_webhook_fails_with_fix(installed: Workspace) -> None:
    _with_gorgias_extra(installed, WEBHOOK_YAML)
    body = integration_body(
        public_url="http://127.0.0.1:9/webhooks/gorgias",
        secret=Secret(WEBHOOK_SECRET),
    )
    body.update(id=901, deactivated_datetime="2026-08-01T10:00:00+00:00")
    installed.simulators.gorgias.seed_objects(integrations=[body])
    result = installed.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "✗ Webhook integration deactivated" in result.stdout
    assert "Settings > Integrations > HTTP" in result.stdout


def test_checks_without_installation_fail(workspace: Workspace) -> None:
    result = workspace.run("connectors", "test", "gorgias")
    assert result.exit_code == 1
    assert "run `tajo connectors install gorgias" in result.stderr
