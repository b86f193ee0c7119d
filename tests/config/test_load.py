"""Loading tajo.yaml: the published example, ${VAR} expansion and YAML traps."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tajo.config import load_config, parse_config
from tajo.errors import ConfigError
from tajo.redact import Secret

# The example from the product page, byte for byte, comments included.
PUBLISHED_EXAMPLE = (Path(__file__).parent / "published_tajo.yaml").read_text(
    encoding="utf-8"
)

MINIMAL = "connectors:\n  gorgias:\n    domain: yourstore.gorgias.com\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tajo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_config_published_example(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, PUBLISHED_EXAMPLE), environ={})
    gorgias = config.gorgias
    assert gorgias.enabled is True
    assert gorgias.domain == "yourstore.gorgias.com"
    assert gorgias.subdomain == "yourstore"
    assert gorgias.lists.all_support_contacts == 35
    assert gorgias.lists.satisfied_customers == 36
    assert gorgias.lists.dissatisfied_customers == 37
    assert gorgias.field_mapping["customer_type"] == "CUSTOMER_TYPE"
    assert gorgias.field_mapping["phone"] == "SMS"
    assert gorgias.event_mapping["ticket.closed"] == "SUPPORT_TICKET_RESOLVED"
    assert gorgias.debug is True
    assert gorgias.log_level == "verbose"
    assert gorgias.python_log_level == logging.DEBUG
    assert gorgias.log_api_calls is True


def test_load_config_published_example_sync_flags(tmp_path: Path) -> None:
    sync = load_config(write(tmp_path, PUBLISHED_EXAMPLE), environ={}).gorgias.sync
    assert sync.customers is True
    assert sync.tickets is True
    assert sync.satisfaction_surveys is True
    assert sync.tags is True


def test_published_example_reads_custom_fields(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, PUBLISHED_EXAMPLE), environ={})
    assert config.gorgias.reads_custom_fields is True


def test_load_config_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), environ={})
    gorgias = config.gorgias
    assert gorgias.rate_limit.requests == 40
    assert gorgias.rate_limit.window_seconds == 20
    assert gorgias.csat.satisfied_min == 4
    assert gorgias.csat.dissatisfied_max == 2
    assert gorgias.identity.policy == "email_then_sms"
    assert gorgias.sync.event_backfill_days == 30
    assert gorgias.sync.survey_rescan_days == 14
    assert gorgias.sync.overlap_minutes == 5
    assert gorgias.timezone == "UTC"
    assert gorgias.event_mapping["customer.created"] == "SUPPORT_CUSTOMER_CREATED"
    assert "macro.applied" not in gorgias.event_mapping
    assert gorgias.reads_custom_fields is False


def test_load_config_brevo_defaults(tmp_path: Path) -> None:
    brevo = load_config(write(tmp_path, MINIMAL), environ={}).brevo
    assert brevo.api_key is None
    assert brevo.rate_limits.contacts_per_second == 10
    assert brevo.rate_limits.events_per_second == 10
    assert brevo.rate_limits.other_per_hour == 100
    assert brevo.create_missing_attributes is True
    assert brevo.blacklisted_list_adds == "skip"


def test_load_config_expands_variables(tmp_path: Path) -> None:
    text = MINIMAL + (
        "    api_key: ${GORGIAS_API_KEY}\n"
        "    email: ${GORGIAS_EMAIL:-agent@example.com}\n"
        "    lists: {all_support_contacts: '${SUPPORT_LIST}'}\n"
        "brevo:\n"
        "  api_key: ${BREVO_API_KEY}\n"
    )
    environ = {
        "GORGIAS_API_KEY": "gorgias-fake-key",
        "SUPPORT_LIST": "35",
        "BREVO_API_KEY": "xkeysib-fake",
    }
    config = load_config(write(tmp_path, text), environ=environ)
    assert config.gorgias.api_key == Secret("gorgias-fake-key")
    assert config.gorgias.email == "agent@example.com"
    assert config.gorgias.lists.all_support_contacts == 35
    assert config.brevo.api_key == Secret("xkeysib-fake")


def test_load_config_reads_os_environ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BREVO_API_KEY", "xkeysib-from-env")
    text = MINIMAL + "brevo:\n  api_key: ${BREVO_API_KEY}\n"
    config = load_config(write(tmp_path, text))
    assert config.brevo.api_key == Secret("xkeysib-from-env")


def test_load_config_dollar_escape(tmp_path: Path) -> None:
    text = MINIMAL + "    webhook: {secret: 'pa$$word-0123456789'}\n"
    webhook = load_config(write(tmp_path, text), environ={}).gorgias.webhook
    assert webhook is not None
    assert webhook.secret.reveal() == "pa$word-0123456789"


def test_load_config_missing_variable_names_path(tmp_path: Path) -> None:
    text = MINIMAL + "brevo:\n  api_key: ${BREVO_API_KEY}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    message = str(caught.value)
    assert "brevo.api_key" in message
    assert "BREVO_API_KEY" in message
    assert "export BREVO_API_KEY=" in message


def test_load_config_missing_variables_all_listed(tmp_path: Path) -> None:
    text = MINIMAL + "    api_key: ${ONE}\nbrevo:\n  api_key: ${TWO}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    message = str(caught.value)
    assert "2 problems" in message
    assert "connectors.gorgias.api_key" in message
    assert "brevo.api_key" in message


def test_load_config_malformed_reference(tmp_path: Path) -> None:
    text = MINIMAL + "    email: ${GORGIAS-EMAIL}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    message = str(caught.value)
    assert "connectors.gorgias.email" in message
    assert "${NAME}" in message


def test_load_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "absent.yaml", environ={})


def test_load_config_yaml_syntax_error(tmp_path: Path) -> None:
    text = "connectors:\n  gorgias:\n    domain: [unclosed\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert "invalid YAML" in str(caught.value)
    assert "line 4" in str(caught.value)


def test_load_config_duplicate_key(tmp_path: Path) -> None:
    text = MINIMAL + "    domain: other.gorgias.com\n"
    with pytest.raises(ConfigError, match="duplicate key 'domain'"):
        load_config(write(tmp_path, text), environ={})


def test_load_config_on_key_stays_text(tmp_path: Path) -> None:
    text = MINIMAL + (
        "    triggers:\n"
        "      - name: upsell\n"
        "        on: satisfaction_survey.responded\n"
        "        target: {brevo_event: POST_SUPPORT_UPSELL}\n"
    )
    config = load_config(write(tmp_path, text), environ={})
    assert config.gorgias.triggers[0].on == "satisfaction_survey.responded"


def test_load_config_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, ""), environ={})
    assert "connectors: value=<missing>" in str(caught.value)


def test_parse_config_rejects_list_root() -> None:
    with pytest.raises(ConfigError, match="a mapping with a connectors key"):
        parse_config(["connectors"], environ={})


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL), environ={})
    with pytest.raises(ValueError, match="frozen"):
        config.gorgias.enabled = False  # type: ignore[misc]
