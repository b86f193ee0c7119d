"""What valid settings mean: derived values, normalisation and load warnings."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from tajo.config import TajoConfig, config_warnings, parse_config

BASE: dict[str, Any] = {"connectors": {"gorgias": {"domain": "yourstore.gorgias.com"}}}


def load(gorgias: dict[str, Any] | None = None, **top: Any) -> TajoConfig:
    data = copy.deepcopy(BASE)
    data["connectors"]["gorgias"].update(gorgias or {})
    data.update(top)
    return parse_config(data, environ={})


@pytest.mark.parametrize(
    "domain",
    [
        "yourstore",
        "yourstore.gorgias.com",
        "YourStore.Gorgias.com",
        "https://yourstore.gorgias.com/",
    ],
)
def test_domain_forms_accepted(domain: str) -> None:
    config = load({"domain": domain})
    assert config.gorgias.domain == "yourstore.gorgias.com"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8001/api/", "http://localhost:9000", "http://[::1]:8001"],
)
def test_base_url_loopback_http_accepted(url: str) -> None:
    assert load({"base_url": url}).gorgias.base_url == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://postgres@127.0.0.1/test",
            "postgresql+psycopg://postgres@127.0.0.1/test",
        ),
        (
            "postgres://postgres@127.0.0.1/test",
            "postgresql+psycopg://postgres@127.0.0.1/test",
        ),
        ("sqlite:////var/lib/tajo/tajo.db", "sqlite:////var/lib/tajo/tajo.db"),
    ],
    ids=["postgresql", "postgres", "sqlite"],
)
def test_database_url_driver_normalised(url: str, expected: str) -> None:
    config = load(state={"database_url": url})
    assert config.state.database_url == expected


def test_database_url_hidden_from_repr() -> None:
    config = load(state={"database_url": "postgresql://u:hunter2-fake@db/tajo"})
    assert "hunter2-fake" not in repr(config)
    assert (
        config.state.display_database_url() == "postgresql+psycopg://[redacted]@db/tajo"
    )


def test_secrets_hidden_from_repr() -> None:
    config = load(
        {
            "api_key": "gorgias-fake-key-123",
            "webhook": {"secret": "webhook-fake-secret-123"},
        },
        brevo={"api_key": "xkeysib-fake-key-123"},
    )
    text = repr(config)
    assert "gorgias-fake-key-123" not in text
    assert "webhook-fake-secret-123" not in text
    assert "xkeysib-fake-key-123" not in text


def test_webhook_defaults() -> None:
    webhook = load({"webhook": {"secret": "0123456789abcdef"}}).gorgias.webhook
    assert webhook is not None
    assert webhook.secret_header == "x-tajo-secret"
    assert webhook.max_body_bytes == 1_048_576
    assert webhook.public_url is None


def test_phone_region_upper_cased() -> None:
    assert load({"phone_region": "fr"}).gorgias.phone_region == "FR"


def test_ext_id_format_applied() -> None:
    identity = load(
        {"identity": {"ext_id_format": "shop-{id}-gorgias"}}
    ).gorgias.identity
    assert identity.ext_id(42) == "shop-42-gorgias"


def test_managed_lists_include_roles_and_tags() -> None:
    config = load(
        {
            "lists": {
                "all_support_contacts": 35,
                "satisfied_customers": 36,
                "dissatisfied_customers": 37,
            },
            "tag_lists": {"vip": 40, "Shipping-Delay": 41},
        }
    )
    assert config.gorgias.managed_list_ids() == {35, 36, 37, 40, 41}


def test_managed_lists_csat_need_surveys() -> None:
    config = load(
        {
            "lists": {"satisfied_customers": 36, "dissatisfied_customers": 37},
            "sync": {"satisfaction_surveys": False},
        }
    )
    assert config.gorgias.managed_list_ids() == frozenset()


def test_managed_lists_without_tag_sync() -> None:
    config = load({"tag_lists": {"vip": 40}, "sync": {"tags": False}})
    assert config.gorgias.managed_list_ids() == frozenset()


def test_tag_list_ids_case_folded() -> None:
    config = load({"tag_lists": {"Shipping-Delay": 41}})
    assert config.gorgias.tag_list_ids() == {"shipping-delay": 41}


@pytest.mark.parametrize(
    ("setting", "mapping", "expected"),
    [
        ("auto", {"nb_tickets": "TICKET_COUNT"}, False),
        ("auto", {"loyalty_tier": "LOYALTY_TIER"}, True),
        (True, {"nb_tickets": "TICKET_COUNT"}, True),
        ("no", {"loyalty_tier": "LOYALTY_TIER"}, False),
    ],
    ids=["auto-builtin-only", "auto-custom", "forced-on", "forced-off"],
)
def test_reads_custom_fields(
    setting: object, mapping: dict[str, str], expected: bool
) -> None:
    config = load({"sync": {"custom_fields": setting}, "field_mapping": mapping})
    assert config.gorgias.reads_custom_fields is expected


def test_event_mapping_null_disables_kind() -> None:
    config = load({"event_mapping": {"ticket.created": None, "ticket.closed": "DONE"}})
    assert config.gorgias.event_name("ticket.created") is None
    assert config.gorgias.event_name("ticket.closed") == "DONE"
    assert config.gorgias.event_name("ticket.reopened") is None


def test_event_mapping_accepts_automation_kinds() -> None:
    config = load({"event_mapping": {"macro.applied": "SUPPORT_MACRO_APPLIED"}})
    assert config.gorgias.event_name("macro.applied") == "SUPPORT_MACRO_APPLIED"


@pytest.mark.parametrize(
    ("level", "expected"),
    [("verbose", logging.DEBUG), ("INFO", logging.INFO), ("warning", logging.WARNING)],
)
def test_python_log_level(level: str, expected: int) -> None:
    assert load({"log_level": level}).gorgias.python_log_level == expected


def test_debug_forces_debug_level() -> None:
    config = load({"log_level": "warning", "debug": True})
    assert config.gorgias.python_log_level == logging.DEBUG


def test_condition_shorthand_forms() -> None:
    config = load(
        {
            "triggers": [
                {
                    "name": "chat-follow-up",
                    "on": "ticket.closed",
                    "conditions": {"channel": ["email", "chat"], "status": "closed"},
                    "target": {"brevo_event": "CHAT_FOLLOW_UP"},
                }
            ]
        }
    )
    conditions = config.gorgias.triggers[0].conditions
    assert conditions["channel"].operators() == {"in": ("email", "chat")}
    assert conditions["status"].operators() == {"eq": "closed"}


def csat_trigger(on: str) -> dict[str, Any]:
    return {
        "triggers": [
            {
                "name": "upsell",
                "on": on,
                "conditions": {"satisfaction_score": {"gte": 4}},
                "target": {"brevo_event": "POST_SUPPORT_UPSELL"},
            }
        ],
        "phone_region": "US",
    }


def test_warning_csat_condition_on_close(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tajo.config.loader"):
        config = load(csat_trigger("ticket.closed"))
    warnings = config_warnings(config)
    assert len(warnings) == 1
    assert "satisfaction_survey.responded" in warnings[0]
    assert "satisfaction_score" in caplog.text


def test_no_warning_csat_condition_on_response() -> None:
    config = load(csat_trigger("satisfaction_survey.responded"))
    assert config_warnings(config) == []


def test_warning_custom_key_near_builtin() -> None:
    config = load(
        {"field_mapping": {"nb_ticket": "TICKET_COUNT"}, "phone_region": "US"}
    )
    warnings = config_warnings(config)
    assert len(warnings) == 1
    assert "'nb_tickets'" in warnings[0]


def test_no_warning_for_published_custom_fields() -> None:
    config = load(
        {
            "field_mapping": {"customer_type": "CUSTOMER_TYPE", "vip_status": "VIP"},
            "phone_region": "US",
        }
    )
    assert config_warnings(config) == []


def test_warning_custom_fields_switched_off() -> None:
    config = load(
        {
            "field_mapping": {"loyalty_tier": "LOYALTY_TIER"},
            "sync": {"custom_fields": False},
            "phone_region": "US",
        }
    )
    assert any("sync.custom_fields" in text for text in config_warnings(config))


def test_warning_missing_phone_region() -> None:
    assert any("phone_region" in text for text in config_warnings(load()))


def test_no_phone_region_warning_for_email_only() -> None:
    config = load({"identity": {"policy": "email_only"}})
    assert config_warnings(config) == []
