"""Each invalid setting is reported with its key path, bad value and fix."""

from __future__ import annotations

import copy
import traceback
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tajo.config import parse_config
from tajo.errors import ConfigError

BASE: dict[str, Any] = {"connectors": {"gorgias": {"domain": "yourstore.gorgias.com"}}}

UPSELL = {
    "name": "upsell",
    "on": "satisfaction_survey.responded",
    "conditions": {"satisfaction_score": {"gte": 4}},
    "target": {"template_id": 12, "params": {"agent": "{{agent_name}}"}},
}


def config_with(gorgias: dict[str, Any], **top: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["connectors"]["gorgias"].update(gorgias)
    data.update(top)
    return data


def trigger(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(UPSELL)
    data.update(changes)
    return data


def error_message(data: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, environ={})
    return str(caught.value)


# (id, data, key path, bad value as printed, a fragment of the fix)
CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    (
        "list-id-text",
        config_with({"lists": {"satisfied_customers": "abc"}}),
        "connectors.gorgias.lists.satisfied_customers",
        "value='abc'",
        "copy the list id from Brevo > Contacts > Lists",
    ),
    (
        "list-id-negative",
        config_with({"lists": {"all_support_contacts": -3}}),
        "connectors.gorgias.lists.all_support_contacts",
        "value=-3",
        "copy the id shown in Brevo",
    ),
    (
        "list-id-boolean",
        config_with({"lists": {"all_support_contacts": True}}),
        "connectors.gorgias.lists.all_support_contacts",
        "value=True",
        "write the number itself",
    ),
    (
        "list-reused-by-two-roles",
        config_with(
            {"lists": {"satisfied_customers": 36, "dissatisfied_customers": 36}}
        ),
        "connectors.gorgias.lists.dissatisfied_customers",
        "value=36",
        "give each role its own Brevo list",
    ),
    (
        "domain-other-host",
        config_with({"domain": "evil.example.com"}),
        "connectors.gorgias.domain",
        "value='evil.example.com'",
        "copy the subdomain",
    ),
    (
        "domain-two-labels",
        config_with({"domain": "a.b.gorgias.com"}),
        "connectors.gorgias.domain",
        "value='a.b.gorgias.com'",
        "copy the subdomain",
    ),
    (
        "domain-kelvin-sign",
        config_with({"domain": "\u212aelvin.gorgias.com"}),
        "connectors.gorgias.domain",
        "value='\u212aelvin.gorgias.com'",
        "copy the subdomain",
    ),
    (
        "base-url-plain-http",
        config_with({"base_url": "http://proxy.example.com/api"}),
        "connectors.gorgias.base_url",
        "value='http://proxy.example.com/api'",
        "use https",
    ),
    (
        "base-url-credentials",
        config_with({"base_url": "https://user:pw@proxy.example.com"}),
        "connectors.gorgias.base_url",
        "value='https://[redacted]@proxy.example.com'",
        "remove the credentials",
    ),
    (
        "brevo-base-url-plain-http",
        config_with({}, brevo={"base_url": "http://api.example.com/v3"}),
        "brevo.base_url",
        "value='http://api.example.com/v3'",
        "use https",
    ),
    (
        "csat-overlap",
        config_with({"csat": {"satisfied_min": 3, "dissatisfied_max": 3}}),
        "connectors.gorgias.csat.dissatisfied_max",
        "value=3",
        "lower dissatisfied_max or raise satisfied_min",
    ),
    (
        "csat-out-of-range",
        config_with({"csat": {"satisfied_min": 6}}),
        "connectors.gorgias.csat.satisfied_min",
        "value=6",
        "use a Gorgias CSAT score",
    ),
    (
        "attribute-lower-case",
        config_with({"field_mapping": {"nb_tickets": "ticket_count"}}),
        "connectors.gorgias.field_mapping.nb_tickets",
        "value='ticket_count'",
        "write it as 'TICKET_COUNT'",
    ),
    (
        "email-target-on-other-field",
        config_with({"field_mapping": {"name": "email"}}),
        "connectors.gorgias.field_mapping.name",
        "value='email'",
        "map name to an attribute name",
    ),
    (
        "sms-target-on-other-field",
        config_with({"field_mapping": {"external_id": "SMS"}}),
        "connectors.gorgias.field_mapping.external_id",
        "value='SMS'",
        "map external_id to an attribute name",
    ),
    (
        "email-attribute-name",
        config_with({"field_mapping": {"email": "EMAIL"}}),
        "connectors.gorgias.field_mapping.email",
        "value='EMAIL'",
        "write `email: email`",
    ),
    (
        "custom-field-key-with-spaces",
        config_with({"field_mapping": {"Customer Type": "CUSTOMER_TYPE"}}),
        "connectors.gorgias.field_mapping.Customer Type",
        "value='Customer Type'",
        "write the key as 'customer_type'",
    ),
    (
        "dotted-key-typo",
        config_with({"field_mapping": {"shopfy.orders_count": "ORDERS"}}),
        "connectors.gorgias.field_mapping.shopfy.orders_count",
        "value='shopfy.orders_count'",
        "did you mean 'shopify.orders_count'?",
    ),
    (
        "attribute-mapped-twice",
        config_with(
            {"field_mapping": {"nb_tickets": "COUNT", "open_tickets": "COUNT"}}
        ),
        "connectors.gorgias.field_mapping.open_tickets",
        "value='COUNT'",
        "map each attribute once",
    ),
    (
        "event-kind-typo",
        config_with({"event_mapping": {"ticket.close": "RESOLVED"}}),
        "connectors.gorgias.event_mapping.ticket.close",
        "value='ticket.close'",
        "did you mean 'ticket.closed'?",
    ),
    (
        "event-name-with-space",
        config_with({"event_mapping": {"ticket.closed": "TICKET RESOLVED"}}),
        "connectors.gorgias.event_mapping.ticket.closed",
        "value='TICKET RESOLVED'",
        "remove spaces",
    ),
    (
        "timezone-unknown",
        config_with({"timezone": "Mars/Olympus"}),
        "connectors.gorgias.timezone",
        "value='Mars/Olympus'",
        "use a name from the tz database",
    ),
    (
        "phone-region-unknown",
        config_with({"phone_region": "ZZ"}),
        "connectors.gorgias.phone_region",
        "value='ZZ'",
        "two-letter code",
    ),
    (
        "identity-policy-typo",
        config_with({"identity": {"policy": "email_then_phone"}}),
        "connectors.gorgias.identity.policy",
        "value='email_then_phone'",
        "did you mean 'email_then_sms'?",
    ),
    (
        "ext-id-format-without-id",
        config_with({"identity": {"ext_id_format": "gorgias-{customer}"}}),
        "connectors.gorgias.identity.ext_id_format",
        "value='gorgias-{customer}'",
        "gorgias-{id}",
    ),
    (
        "tag-list-reuses-role-list",
        config_with({"lists": {"all_support_contacts": 35}, "tag_lists": {"vip": 35}}),
        "connectors.gorgias.tag_lists.vip",
        "value=35",
        "give tag lists their own Brevo lists",
    ),
    (
        "tag-names-differ-in-case",
        config_with({"tag_lists": {"vip": 40, "VIP": 41}}),
        "connectors.gorgias.tag_lists",
        "value={'vip': 40, 'VIP': 41}",
        "keep one of them",
    ),
    (
        "trigger-on-unknown-kind",
        config_with({"triggers": [trigger(on="ticket.solved")]}),
        "connectors.gorgias.triggers.0.on",
        "value='ticket.solved'",
        "use one of the listed kinds",
    ),
    (
        "trigger-field-typo",
        config_with(
            {"triggers": [trigger(conditions={"satisfaction_scor": {"gte": 4}})]}
        ),
        "connectors.gorgias.triggers.0.conditions.satisfaction_scor",
        "value={'gte': 4}",
        "did you mean 'satisfaction_score'?",
    ),
    (
        "trigger-numeric-operator-on-text",
        config_with({"triggers": [trigger(conditions={"channel": {"gte": 4}})]}),
        "connectors.gorgias.triggers.0.conditions.channel",
        "value={'gte': 4}",
        "remove gte",
    ),
    (
        "trigger-gte-not-a-number",
        config_with(
            {"triggers": [trigger(conditions={"satisfaction_score": {"gte": "high"}})]}
        ),
        "connectors.gorgias.triggers.0.conditions.satisfaction_score.gte",
        "value='high'",
        "write a number such as 4",
    ),
    (
        "trigger-two-targets",
        config_with(
            {"triggers": [trigger(target={"brevo_event": "UPSELL", "template_id": 3})]}
        ),
        "connectors.gorgias.triggers.0.target",
        "value={'brevo_event': 'UPSELL', 'template_id': 3}",
        "keep either `brevo_event: NAME` or `template_id: ID`",
    ),
    (
        "trigger-placeholder-typo",
        config_with(
            {
                "triggers": [
                    trigger(target={"template_id": 3, "params": {"a": "{{agent_nam}}"}})
                ]
            }
        ),
        "connectors.gorgias.triggers.0.target.params.a",
        "value='{{agent_nam}}'",
        "did you mean 'agent_name'?",
    ),
    (
        "trigger-max-age-zero",
        config_with({"triggers": [trigger(max_age_hours=0)]}),
        "connectors.gorgias.triggers.0.max_age_hours",
        "value=0",
        "use 24",
    ),
    (
        "trigger-name-repeated",
        config_with({"triggers": [trigger(), trigger()]}),
        "connectors.gorgias.triggers.1.name",
        "value='upsell'",
        "rename the second 'upsell'",
    ),
    (
        "sync-backfill-negative",
        config_with({"sync": {"event_backfill_days": -1}}),
        "connectors.gorgias.sync.event_backfill_days",
        "value=-1",
        "use a value inside the range",
    ),
    (
        "sync-custom-fields-word",
        config_with({"sync": {"custom_fields": "sometimes"}}),
        "connectors.gorgias.sync.custom_fields",
        "value='sometimes'",
        "use auto",
    ),
    (
        "log-level-unknown",
        config_with({"log_level": "loud"}),
        "connectors.gorgias.log_level",
        "value='loud'",
        "use one of the listed values",
    ),
    (
        "rate-limit-zero",
        config_with({"rate_limit": {"requests": 0}}),
        "connectors.gorgias.rate_limit.requests",
        "value=0",
        "use 40",
    ),
    (
        "brevo-rate-limit-zero",
        config_with({}, brevo={"rate_limits": {"events_per_second": 0}}),
        "brevo.rate_limits.events_per_second",
        "value=0",
        "use the plan's limit",
    ),
    (
        "blacklisted-policy-typo",
        config_with({}, brevo={"blacklisted_list_adds": "skipp"}),
        "brevo.blacklisted_list_adds",
        "value='skipp'",
        "did you mean 'skip'?",
    ),
    (
        "database-url-mysql",
        config_with({}, state={"database_url": "mysql://db.example.com/tajo"}),
        "state.database_url",
        "value='mysql://db.example.com/tajo'",
        "tajo supports SQLite and PostgreSQL",
    ),
    (
        "webhook-public-url-http",
        config_with(
            {
                "webhook": {
                    "secret": "0123456789abcdef-fake",
                    "public_url": "http://tajo.example.com/webhooks/gorgias",
                }
            }
        ),
        "connectors.gorgias.webhook.public_url",
        "value='http://tajo.example.com/webhooks/gorgias'",
        "use https",
    ),
    (
        "domain-missing",
        {"connectors": {"gorgias": {}}},
        "connectors.gorgias.domain",
        "value=<missing>",
        "add the key",
    ),
]


@pytest.mark.parametrize(
    ("data", "path", "value", "fix"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_parse_config_problem_names_path_value_fix(
    data: dict[str, Any], path: str, value: str, fix: str
) -> None:
    message = error_message(data)
    assert f"{path}: " in message
    assert f"{path}: {value};" in message
    assert fix in message


UNKNOWN_KEYS = [
    ("top-level", {**BASE, "brevoo": {}}, "brevoo", "brevo"),
    ("connector", config_with({"sinc": {}}), "connectors.gorgias.sinc", "sync"),
    (
        "lists",
        config_with({"lists": {"satisfied_customer": 36}}),
        "connectors.gorgias.lists.satisfied_customer",
        "satisfied_customers",
    ),
    (
        "operator",
        config_with(
            {"triggers": [trigger(conditions={"channel": {"inn": ["email"]}})]}
        ),
        "connectors.gorgias.triggers.0.conditions.channel.inn",
        "in",
    ),
    (
        "brevo",
        config_with({}, brevo={"apikey": "x"}),
        "brevo.apikey",
        "api_key",
    ),
]


@pytest.mark.parametrize(
    ("data", "path", "suggestion"),
    [case[1:] for case in UNKNOWN_KEYS],
    ids=[case[0] for case in UNKNOWN_KEYS],
)
def test_parse_config_unknown_key_suggestion(
    data: dict[str, Any], path: str, suggestion: str
) -> None:
    message = error_message(data)
    assert f"{path}: " in message
    assert f"did you mean {suggestion!r}?" in message


def test_parse_config_unknown_key_lists_known_keys() -> None:
    message = error_message(config_with({"csat": {"happy_min": 4}}))
    assert "(satisfied_min, dissatisfied_max)" in message


def test_parse_config_reports_every_problem() -> None:
    data = config_with({"timezone": "Nowhere/City", "phone_region": "ZZ"})
    message = error_message(data)
    assert "2 problems" in message
    assert "connectors.gorgias.timezone" in message
    assert "connectors.gorgias.phone_region" in message


@pytest.mark.parametrize(
    "data",
    [
        config_with({"api_key": ["gorgias-secret-value"]}),
        config_with({"webhook": {"secret": "gorgias-secret"}}),
        config_with({}, brevo={"api_key": {"nested": "gorgias-secret-value"}}),
    ],
    ids=["gorgias-api-key", "short-webhook-secret", "brevo-api-key"],
)
def test_parse_config_problem_masks_secret(data: dict[str, Any]) -> None:
    message = error_message(data)
    assert "gorgias-secret" not in message
    assert "[redacted]" in message


def test_parse_config_database_password_masked() -> None:
    data = config_with({}, state={"database_url": "mysql://u:hunter2-fake@db/tajo"})
    assert "hunter2-fake" not in error_message(data)


def test_parse_config_database_url_shows_host_not_password() -> None:
    data = config_with({}, state={"database_url": "mysql://u:hunter2-fake@db/tajo"})
    assert "state.database_url: value='mysql://[redacted]@db/tajo';" in (
        error_message(data)
    )


def test_parse_config_database_url_without_scheme_masked() -> None:
    data = config_with({}, state={"database_url": "u:hunter2-fake@db/tajo"})
    message = error_message(data)
    assert "hunter2-fake" not in message
    assert "state.database_url: value=[redacted];" in message


LEAKED = "xkeysib-LEAKED-SECRET-9999"


@pytest.mark.parametrize(
    ("data", "path", "suggestion"),
    [
        (config_with({}, brevo={"apikey": LEAKED}), "brevo.apikey", "api_key"),
        (
            config_with({"api_kee": LEAKED}),
            "connectors.gorgias.api_kee",
            "api_key",
        ),
        (
            config_with({"webhook": {"secrett": LEAKED}}),
            "connectors.gorgias.webhook.secrett",
            "secret",
        ),
        (config_with({"sinc": {"token": LEAKED}}), "connectors.gorgias.sinc", "sync"),
        ({**BASE, "brevoo": {"api_key": LEAKED}}, "brevoo", "brevo"),
    ],
    ids=["brevo-apikey", "gorgias-api-kee", "webhook-secrett", "nested", "top-level"],
)
def test_parse_config_unknown_key_value_never_printed(
    data: dict[str, Any], path: str, suggestion: str
) -> None:
    message = error_message(data)
    assert LEAKED not in message
    assert f"{path}: unknown key; " in message
    assert f"did you mean {suggestion!r}?" in message


@pytest.mark.parametrize(
    "data",
    [
        config_with({"email": {"password": LEAKED}}),
        config_with({"domain": {"auth_token": LEAKED}}),
        config_with({"lists": {"satisfied_customers": {"apikey": LEAKED}}}),
        config_with({"field_mapping": {"email": [{"client_secret": LEAKED}]}}),
        config_with({"base_url": f"https://proxy.example.com/?token={LEAKED}"}),
    ],
    ids=["password", "token", "apikey", "client-secret", "url-query"],
)
def test_parse_config_values_under_secret_names_masked(data: dict[str, Any]) -> None:
    message = error_message(data)
    assert LEAKED not in message
    assert "[redacted]" in message


def test_parse_config_error_hides_the_validation_error() -> None:
    data = config_with({}, brevo={"api_key": [LEAKED]})
    with pytest.raises(ConfigError) as caught:
        parse_config(data, environ={})
    traceback_text = "".join(traceback.format_exception(caught.value))
    assert LEAKED not in traceback_text
    assert "ValidationError" not in traceback_text


_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
)
_KEYS = st.sampled_from(
    [
        "domain",
        "lists",
        "sync",
        "field_mapping",
        "event_mapping",
        "triggers",
        "conditions",
        "target",
        "csat",
        "identity",
        "webhook",
        "tag_lists",
        "on",
        "name",
        "gte",
        "in",
    ]
) | st.text(max_size=8)
_TREES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(gorgias=st.dictionaries(_KEYS, _TREES, max_size=5), top=_TREES)
def test_parse_config_arbitrary_data_raises_config_error(
    gorgias: dict[str, Any], top: Any
) -> None:
    data = {"connectors": {"gorgias": gorgias}, "brevo": top}
    try:
        parse_config(data, environ={})
    except ConfigError as exc:
        assert str(exc).startswith("invalid configuration")
