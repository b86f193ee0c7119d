"""`tajo connectors install`, key rotation and uninstall, against the simulators."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.cli.conftest import EMAIL, GORGIAS_KEY, Workspace

from tajo.credentials import KEY_FILE_NAME, KeyRing, load_connection
from tajo.redact import Secret
from tajo.store import Store, tables


def _stored_key(workspace: Workspace) -> Secret:
    keyring = KeyRing.load(key_file=workspace.home / KEY_FILE_NAME, create=False)
    with Store.open(workspace.database_url) as store:
        return load_connection(store, "gorgias", keyring=keyring).api_key


def _ciphertext(workspace: Workspace) -> bytes:
    with Store.open(workspace.database_url) as store, store.engine.connect() as conn:
        value = conn.scalar(select(tables.connections.c.api_key_encrypted))
    return bytes(value)


def test_install_good_key_is_stored_encrypted(workspace: Workspace) -> None:
    result = workspace.install()
    assert result.exit_code == 0, result.stderr
    assert _stored_key(workspace) == Secret(GORGIAS_KEY)
    assert GORGIAS_KEY.encode() not in _ciphertext(workspace)


def test_install_sends_one_cheap_request(workspace: Workspace) -> None:
    workspace.install()
    paths = [record.path for record in workspace.simulators.gorgias.requests]
    assert paths == ["/api/account"]


def test_install_warns_that_keys_have_full_access(workspace: Workspace) -> None:
    result = workspace.install()
    assert "full access to the account" in result.stderr


def test_install_prints_fingerprint_not_key(workspace: Workspace) -> None:
    result = workspace.install()
    assert "sha256:" in result.stdout


def test_install_wrong_key_fails_naming_settings(workspace: Workspace) -> None:
    result = workspace.install(key="not-the-right-key")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1
    assert len(errors) == 1
    assert "Settings > REST API" in errors[0]


def test_install_wrong_key_stores_nothing(workspace: Workspace) -> None:
    workspace.install(key="not-the-right-key")
    status = workspace.run("connectors", "status", "gorgias", "--json")
    assert '"connected": false' in status.stdout


def test_install_reads_key_from_stdin(workspace: Workspace) -> None:
    result = workspace.run(
        "connectors",
        "install",
        "gorgias",
        "--api-key",
        "-",
        "--email",
        EMAIL,
        input=GORGIAS_KEY + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert _stored_key(workspace) == Secret(GORGIAS_KEY)


@pytest.mark.parametrize(
    "domain",
    [
        "evil.example.com",
        "demo-store.gorgias.com.evil.example",
        "demo-store.gorgias.com/../x",
        "user@demo-store.gorgias.com",
        "http://demo-store.gorgias.com",
        "demo_store",
        "xn--80ak6aa92e.gorgias.com\u212a",
    ],
    ids=[
        "other-host",
        "suffix",
        "path",
        "userinfo",
        "plain-http",
        "underscore",
        "kelvin",
    ],
)
def test_install_hostile_domain_rejected_without_request(
    workspace: Workspace, domain: str
) -> None:
    result = workspace.run(
        "connectors",
        "install",
        "gorgias",
        "--domain",
        domain,
        "--api-key",
        GORGIAS_KEY,
        "--email",
        EMAIL,
    )
    assert result.exit_code == 2
    assert "invalid Gorgias domain" in result.stderr
    assert workspace.simulators.gorgias.requests == []


def test_rotate_key_replaces_the_fingerprint(installed: Workspace) -> None:
    installed.simulators.gorgias.api_key = "gorgias-fake-key-rotated-0042"
    result = installed.run(
        "connectors",
        "rotate-key",
        "gorgias",
        "--api-key",
        "gorgias-fake-key-rotated-0042",
    )
    assert result.exit_code == 0, result.stderr
    assert _stored_key(installed) == Secret("gorgias-fake-key-rotated-0042")


def test_rotate_key_keeps_old_key_on_failure(installed: Workspace) -> None:
    result = installed.run(
        "connectors", "rotate-key", "gorgias", "--api-key", "not-the-right-key"
    )
    assert result.exit_code == 1
    assert _stored_key(installed) == Secret(GORGIAS_KEY)


def test_rotate_encryption_key_keeps_credentials_readable(installed: Workspace) -> None:
    before = (installed.home / KEY_FILE_NAME).read_bytes()
    result = installed.run("connectors", "rotate-encryption-key")
    assert result.exit_code == 0, result.stderr
    assert (installed.home / KEY_FILE_NAME).read_bytes() != before
    assert _stored_key(installed) == Secret(GORGIAS_KEY)


def test_uninstall_removes_the_connection(installed: Workspace) -> None:
    result = installed.run("connectors", "uninstall", "gorgias")
    status = installed.run("connectors", "status", "gorgias", "--json")
    assert result.exit_code == 0
    assert '"connected": false' in status.stdout


def test_install_unknown_connector_is_a_usage_error(workspace: Workspace) -> None:
    result = workspace.run("connectors", "install", "zendesk", "--api-key", "x")
    assert result.exit_code == 2
    assert "unknown connector 'zendesk'" in result.stderr


def test_install_piped_key_without_email_rejected(
    workspace: Workspace,
) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(
        text.replace(f'    email: "{EMAIL}"\n', ""), encoding="utf-8"
    )
    result = workspace.run("connectors", "install", "gorgias", input=GORGIAS_KEY + "\n")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "error: missing Gorgias email; pass --email, set GORGIAS_EMAIL or "
        "connectors.gorgias.email"
    )
    assert GORGIAS_KEY not in result.stdout + result.stderr
    assert workspace.simulators.gorgias.requests == []
