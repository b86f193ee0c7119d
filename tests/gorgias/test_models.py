"""The models accept the messy payloads Gorgias sends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tajo.gorgias import (
    Customer,
    CustomFieldValue,
    Event,
    Integration,
    SatisfactionSurvey,
    Ticket,
    TicketMessage,
    User,
)
from tajo.gorgias import endpoints as ep
from tajo.gorgias.pagination import parse_records


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-04-13T03:27:56.973873", datetime(2019, 4, 13, 3, 27, 56, 973873, UTC)),
        (
            "2024-02-14T21:30:50.201204+00:00",
            datetime(2024, 2, 14, 21, 30, 50, 201204, UTC),
        ),
        ("2024-11-01T08:48:50+00:00", datetime(2024, 11, 1, 8, 48, 50, tzinfo=UTC)),
        (
            "2024-06-20 07:39:36.514848+00:00",
            datetime(2024, 6, 20, 7, 39, 36, 514848, UTC),
        ),
        ("2018-12-04T03:29:37-08:00", datetime(2018, 12, 4, 11, 29, 37, tzinfo=UTC)),
        ("2024-11-01T08:48:50Z", datetime(2024, 11, 1, 8, 48, 50, tzinfo=UTC)),
    ],
    ids=["naive", "offset-micro", "offset", "space", "negative-offset", "zulu"],
)
def test_customer_datetime_variants(value: str, expected: datetime) -> None:
    customer = Customer.model_validate({"id": 1, "updated_datetime": value})
    assert customer.updated_datetime == expected
    assert customer.updated_datetime is not None
    assert customer.updated_datetime.tzinfo is UTC


def test_customer_without_email_or_name() -> None:
    customer = Customer.model_validate(
        {
            "id": 387709001,
            "email": None,
            "name": None,
            "firstname": "",
            "lastname": "",
            "channels": [
                {
                    "id": 5,
                    "type": "phone",
                    "address": "06 12 34 56 78",
                    "preferred": True,
                }
            ],
            "integrations": {},
            "data": None,
            "meta": None,
        }
    )
    assert customer.email is None
    assert customer.name is None
    assert customer.channel_addresses("phone") == ["06 12 34 56 78"]
    assert customer.data == {}
    assert customer.meta == {}


def test_customer_null_collections() -> None:
    customer = Customer.model_validate(
        {"id": 2, "channels": None, "integrations": None}
    )
    assert customer.channels == []
    assert customer.integrations == {}


def test_customer_keeps_unknown_fields() -> None:
    customer = Customer.model_validate({"id": 3, "brand_new_field": {"x": 1}})
    assert customer.model_extra == {"brand_new_field": {"x": 1}}


def test_customer_channel_addresses_skip_deleted() -> None:
    customer = Customer.model_validate(
        {
            "id": 4,
            "channels": [
                {"type": "email", "address": "old@example.com", "preferred": False},
                {
                    "type": "email",
                    "address": "gone@example.com",
                    "deleted_datetime": "2024-01-01T00:00:00",
                },
                {"type": "email", "address": "main@example.com", "preferred": True},
                {"type": "phone", "address": "+15555550100"},
            ],
        }
    )
    assert customer.channel_addresses("email") == [
        "main@example.com",
        "old@example.com",
    ]


def test_customer_shopify_integration() -> None:
    customer = Customer.model_validate(
        {
            "id": 5,
            "integrations": {
                "6": {
                    "__integration_type__": "shopify",
                    "customer": {"orders_count": 3, "tags": "vip, wholesale"},
                    "orders": [{"created_at": "2018-12-04T03:29:37-08:00"}],
                },
                "9": {"__integration_type__": "yotpo"},
            },
        }
    )
    shopify = customer.integrations_of_type("shopify")
    assert len(shopify) == 1
    assert shopify[0]["customer"]["orders_count"] == 3


def test_ticket_with_null_customer() -> None:
    ticket = Ticket.model_validate(
        {
            "id": 10,
            "customer": None,
            "tags": None,
            "custom_fields": None,
            "assignee_user": None,
            "satisfaction_survey": None,
            "status": "open",
            "spam": False,
        }
    )
    assert ticket.customer is None
    assert ticket.tags == []
    assert ticket.custom_fields == {}
    assert ticket.messages is None


def test_ticket_full_payload() -> None:
    ticket = Ticket.model_validate(
        {
            "id": 86538298,
            "status": "closed",
            "channel": "email",
            "spam": False,
            "customer": {"id": 7, "email": "jane.doe@example.com", "name": "Jane Doe"},
            "assignee_user": {"id": 8, "email": "agent@example.com", "name": "Alex"},
            "assignee_team": {"id": 901, "name": "Tier 1", "decoration": {}},
            "tags": [{"id": 1, "name": "vip"}, {"id": 2, "name": "refund"}],
            "custom_fields": {
                "301": {"id": 301, "field": {"label": "Reason"}, "value": "Order"}
            },
            "messages": [
                {
                    "id": 100,
                    "from_agent": False,
                    "public": True,
                    "sender": {"id": 7, "email": "jane.doe@example.com"},
                    "created_datetime": "2024-02-14T21:20:03.118821+00:00",
                },
                {
                    "id": 101,
                    "from_agent": True,
                    "public": True,
                    "sender": {"id": 8},
                    "sent_datetime": None,
                    "created_datetime": "2024-02-14 21:49:40",
                },
            ],
            "satisfaction_survey": {"id": 1234, "score": 4, "ticket_id": 86538298},
            "trashed_datetime": None,
        }
    )

    assert ticket.customer is not None
    assert ticket.customer.email == "jane.doe@example.com"
    assert ticket.tag_names == ["vip", "refund"]
    assert ticket.custom_fields["301"].value == "Order"

    assert ticket.messages is not None
    assert [message.from_agent for message in ticket.messages] == [False, True]
    assert ticket.satisfaction_survey is not None
    assert ticket.satisfaction_survey.score == 4
    assert ticket.assignee_team is not None
    assert ticket.assignee_team.name == "Tier 1"
    assert not ticket.is_trashed


def test_ticket_custom_fields_as_list() -> None:
    ticket = Ticket.model_validate(
        {"id": 11, "custom_fields": [{"id": 301, "value": "Order"}]}
    )
    assert ticket.custom_fields["301"].value == "Order"


def test_ticket_spam_and_trashed() -> None:
    ticket = Ticket.model_validate(
        {"id": 12, "spam": True, "trashed_datetime": "2024-02-20T08:00:00.000000+00:00"}
    )
    assert ticket.spam is True
    assert ticket.is_trashed


def test_ticket_empty_customer_object_is_none() -> None:
    ticket = Ticket.model_validate({"id": 13, "customer": {}})
    assert ticket.customer is None


def test_message_internal_note() -> None:
    message = TicketMessage.model_validate(
        {
            "id": 5,
            "public": False,
            "channel": "internal-note",
            "receiver": None,
            "macros": None,
        }
    )
    assert message.public is False
    assert message.receiver is None
    assert message.macros == []


def test_survey_unscored() -> None:
    survey = SatisfactionSurvey.model_validate(
        {
            "id": 1235,
            "score": None,
            "body_text": None,
            "meta": None,
            "created_datetime": "2024-02-15T09:00:00.104212+00:00",
            "sent_datetime": None,
            "scored_datetime": None,
        }
    )
    assert survey.score is None
    assert survey.changed_datetime == datetime(2024, 2, 15, 9, 0, 0, 104212, UTC)


def test_survey_changed_is_latest_instant() -> None:
    survey = SatisfactionSurvey.model_validate(
        {
            "id": 1234,
            "score": 4,
            "created_datetime": "2024-02-15T09:00:00",
            "sent_datetime": "2024-02-15T21:00:01+00:00",
            "scored_datetime": "2024-02-16 10:12:44.551812",
        }
    )
    assert survey.changed_datetime == datetime(2024, 2, 16, 10, 12, 44, 551812, UTC)


def test_user_role_object() -> None:
    user = User.model_validate({"id": 1, "role": {"name": "admin"}})
    assert user.role_name == "admin"


def test_user_roles_array() -> None:
    user = User.model_validate({"id": 1, "roles": [{"name": "agent"}]})
    assert user.role_name == "agent"


def test_user_without_role() -> None:
    user = User.model_validate({"id": 1, "role": None, "roles": None})
    assert user.role_name is None


def test_event_with_null_data() -> None:
    event = Event.model_validate(
        {
            "id": 1234,
            "type": "ticket-closed",
            "object_type": "Ticket",
            "object_id": 86538298,
            "user_id": None,
            "data": None,
            "created_datetime": "2024-02-14T21:52:17.995112+00:00",
        }
    )
    assert event.type == "ticket-closed"
    assert event.data is None


def test_integration_http_settings() -> None:
    integration = Integration.model_validate(
        {
            "id": 123,
            "type": "http",
            "http": {
                "url": "https://hooks.example.com/gorgias",
                "method": "POST",
                "headers": None,
                "form": "{{context}}",
                "triggers": {"ticket-created": True, "ticket-updated": False},
            },
        }
    )
    assert integration.http is not None
    assert integration.http.headers == {}
    assert integration.http.triggers["ticket-created"] is True


def test_custom_field_value_label() -> None:
    value = CustomFieldValue.model_validate(
        {
            "field": {
                "id": 1201,
                "label": "Loyalty tier",
                "definition": {"data_type": "text"},
            },
            "prediction": None,
            "value": "gold",
        }
    )
    assert value.label == "Loyalty tier"
    assert value.value == "gold"


def test_invalid_datetime_fails_one_record() -> None:
    raw = [
        {"id": 1, "updated_datetime": "2026-08-12T10:00:00+00:00"},
        {"id": 2, "updated_datetime": "yesterday at noon"},
        {"id": 3, "updated_datetime": "2026-08-11 09:00:00"},
    ]
    items, failed = parse_records(ep.CUSTOMERS, raw)
    assert [item.id for item in items] == [1, 3]
    assert len(failed) == 1
    assert failed[0].record_id == 2
    assert "updated_datetime" in failed[0].reason
    assert "yesterday at noon" in failed[0].reason
    assert failed[0].raw == raw[1]


def test_record_without_id_fails() -> None:
    items, failed = parse_records(ep.TICKETS, [{"subject": "no id"}, "not an object"])
    assert items == []
    assert [record.record_id for record in failed] == [None, None]


def test_invalid_datetime_type_rejected() -> None:
    with pytest.raises(ValidationError, match="created_datetime"):
        Event.model_validate({"id": 1, "created_datetime": 1723456789})
