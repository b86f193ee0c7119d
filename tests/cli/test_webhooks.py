"""`tajo webhooks register|check|unregister` against the Gorgias simulator."""

from __future__ import annotations

from tests.cli.conftest import Workspace

PUBLIC_URL = "http://127.0.0.1:9/webhooks/gorgias"
WEBHOOK_YAML = (
    '    webhook: {secret: "webhook-secret-for-tests-0123456789", '
    f'public_url: "{PUBLIC_URL}"}}\n'
)


def _with_webhook(workspace: Workspace) -> Workspace:
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(
        text.replace("    phone_region: US\n", "    phone_region: US\n" + WEBHOOK_YAML),
        encoding="utf-8",
    )
    return workspace


def _http_integrations(workspace: Workspace) -> list[dict[str, object]]:
    gorgias = workspace.simulators.gorgias
    with gorgias.store.lock:
        items = list(gorgias.store.collections["integrations"].values())
    return [item for item in items if item.get("type") == "http"]


def test_register_creates_the_integration(installed: Workspace) -> None:
    before = len(_http_integrations(installed))
    result = _with_webhook(installed).run("webhooks", "register")
    assert result.exit_code == 0, result.stderr
    assert len(_http_integrations(installed)) == before + 1


def test_register_twice_keeps_one_integration(installed: Workspace) -> None:
    _with_webhook(installed).run("webhooks", "register")
    count = len(_http_integrations(installed))
    installed.run("webhooks", "register")
    assert len(_http_integrations(installed)) == count


def test_check_after_register_is_active(installed: Workspace) -> None:
    _with_webhook(installed).run("webhooks", "register")
    result = installed.run("webhooks", "check")
    assert result.exit_code == 0
    assert "✓ Webhook active" in result.stdout


def test_unregister_removes_it(installed: Workspace) -> None:
    _with_webhook(installed).run("webhooks", "register")
    before = len(_http_integrations(installed))
    result = installed.run("webhooks", "unregister")
    assert result.exit_code == 0
    assert len(_http_integrations(installed)) == before - 1


def test_register_without_webhook_section_is_a_config_error(
    installed: Workspace,
) -> None:
    result = installed.run("webhooks", "register")
    assert result.exit_code == 2
    assert "connectors.gorgias.webhook is missing" in result.stderr


def test_status_shows_webhook_health(installed: Workspace) -> None:
    _with_webhook(installed).run("webhooks", "register")
    result = installed.run("connectors", "status", "gorgias")
    assert "✓ Webhook active" in result.stdout
