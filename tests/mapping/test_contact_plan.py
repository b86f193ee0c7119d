"""plan_contact: identifiers, attributes and list membership of one customer."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest

from tajo.config import GorgiasConfig, parse_config
from tajo.mapping import (
    ContactPlan,
    CustomerFacts,
    Skip,
    SurveyFacts,
    TicketFacts,
    plan_contact,
    required_attributes,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

PUBLISHED: dict[str, Any] = {
    "domain": "yourstore.gorgias.com",
    "lists": {
        "all_support_contacts": 35,
        "satisfied_customers": 36,
        "dissatisfied_customers": 37,
    },
    "field_mapping": {
        "id": "GORGIAS_ID",
        "email": "email",
        "name": "FIRSTNAME",
        "phone": "SMS",
        "nb_tickets": "TICKET_COUNT",
        "last_ticket_date": "LAST_SUPPORT_DATE",
        "last_ticket_channel": "LAST_SUPPORT_CHANNEL",
        "avg_response_time": "AVG_RESPONSE_TIME",
        "last_satisfaction_score": "CSAT_SCORE",
        "satisfaction_count": "CSAT_RESPONSES",
        "customer_type": "CUSTOMER_TYPE",
        "vip_status": "VIP_STATUS",
    },
    "tag_lists": {"vip": 40, "shipping-delay": 41},
    "phone_region": "FR",
}


def gorgias(**changes: Any) -> GorgiasConfig:
    section = copy.deepcopy(PUBLISHED)
    section.update(changes)
    return parse_config({"connectors": {"gorgias": section}}, environ={}).gorgias


def customer(**changes: Any) -> CustomerFacts:
    values: dict[str, Any] = {
        "id": 7,
        "email": "Jane.Doe@Example.com ",
        "name": "Jane Doe",
        "firstname": "Jane",
        "lastname": "Doe",
        "phones": ("06 12 34 56 78",),
        "created_at": T0,
    }
    values.update(changes)
    return CustomerFacts(**values)


def ticket(ticket_id: int, **changes: Any) -> TicketFacts:
    values: dict[str, Any] = {
        "id": ticket_id,
        "customer_id": 7,
        "status": "closed",
        "channel": "email",
        "created_at": T0 + timedelta(days=ticket_id),
        "updated_at": T0 + timedelta(days=ticket_id, hours=1),
    }
    values.update(changes)
    return TicketFacts(**values)


def scored(survey_id: int, score: int, day: int) -> SurveyFacts:
    return SurveyFacts(
        id=survey_id,
        ticket_id=survey_id,
        customer_id=7,
        score=score,
        created_at=T0,
        scored_at=T0 + timedelta(days=day),
    )


def planned(result: ContactPlan | Skip) -> ContactPlan:
    assert isinstance(result, ContactPlan), result
    return result


def test_plan_identity_email_and_sms() -> None:
    plan = planned(plan_contact(customer(), [], [], config=gorgias()))
    assert plan.identity.email == "jane.doe@example.com"
    assert plan.identity.sms == "+33612345678"
    assert plan.identity.ext_id is None


def test_plan_attributes_published_mapping() -> None:
    tickets = [
        ticket(1, channel="chat", first_response_seconds=600),
        ticket(2, channel="email", first_response_seconds=1200),
        ticket(3, spam=True),
    ]
    surveys = [scored(1, 5, day=5), scored(2, 2, day=6)]
    facts = customer(
        custom_fields=MappingProxyType(
            {"customer_type": "wholesale", "vip_status": True}
        )
    )
    plan = planned(plan_contact(facts, tickets, surveys, config=gorgias()))
    assert plan.attributes == {
        "GORGIAS_ID": "7",
        "FIRSTNAME": "Jane Doe",
        "TICKET_COUNT": 2.0,
        "LAST_SUPPORT_DATE": "2026-03-03",
        "LAST_SUPPORT_CHANNEL": "email",
        "AVG_RESPONSE_TIME": 15.0,
        "CSAT_SCORE": 2.0,
        "CSAT_RESPONSES": 2.0,
        "CUSTOMER_TYPE": "wholesale",
        "VIP_STATUS": True,
    }


def test_plan_attributes_unknown_values_are_none() -> None:
    plan = planned(
        plan_contact(
            customer(name=None, firstname="", lastname=""), [], [], config=gorgias()
        )
    )
    assert plan.attributes["FIRSTNAME"] is None
    assert plan.attributes["CSAT_SCORE"] is None
    assert plan.attributes["LAST_SUPPORT_DATE"] is None
    assert plan.attributes["CUSTOMER_TYPE"] is None
    assert plan.attributes["TICKET_COUNT"] == 0.0


def test_plan_name_falls_back_to_first_and_last() -> None:
    plan = planned(plan_contact(customer(name=""), [], [], config=gorgias()))
    assert plan.attributes["FIRSTNAME"] == "Jane Doe"


def test_plan_date_in_configured_timezone() -> None:
    late = ticket(1, created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    utc_plan = planned(plan_contact(customer(), [late], [], config=gorgias()))
    paris_plan = planned(
        plan_contact(customer(), [late], [], config=gorgias(timezone="Europe/Paris"))
    )
    assert utc_plan.attributes["LAST_SUPPORT_DATE"] == "2026-03-01"
    assert paris_plan.attributes["LAST_SUPPORT_DATE"] == "2026-03-02"


def test_plan_extra_builtin_fields() -> None:
    config = gorgias(
        field_mapping={
            "email": "email",
            "phone": "PHONE_TEXT",
            "tags": "SUPPORT_TAGS",
            "open_tickets": "OPEN_TICKETS",
            "shopify.orders_count": "ORDERS",
            "shopify.total_spent": "TOTAL_SPENT",
            "external_id": "SHOP_ID",
        }
    )
    facts = customer(
        external_id="shop-1",
        shopify=MappingProxyType({"orders_count": 3, "total_spent": "120.50"}),
        customer_tags=("VIP",),
    )
    tickets = [ticket(1, status="open", tags=("shipping-delay",))]
    plan = planned(plan_contact(facts, tickets, [], config=config))
    assert plan.attributes == {
        "PHONE_TEXT": "+33612345678",
        "SUPPORT_TAGS": "shipping-delay, VIP",
        "OPEN_TICKETS": 1.0,
        "ORDERS": 3.0,
        "TOTAL_SPENT": 120.5,
        "SHOP_ID": "shop-1",
    }


def test_plan_sms_unmapped_not_sent() -> None:
    config = gorgias(field_mapping={"email": "email", "phone": "PHONE_TEXT"})
    plan = planned(plan_contact(customer(), [], [], config=config))
    assert plan.identity.sms is None


# (id, customer changes, config changes, expected email, sms, ext_id)
IDENTITY_CASES: list[tuple[str, dict[str, Any], dict[str, Any], tuple[Any, ...]]] = [
    (
        "email-from-channel",
        {"email": None, "emails": ("jane@example.com",)},
        {},
        ("jane@example.com", "+33612345678", None),
    ),
    (
        "invalid-primary-uses-channel",
        {"email": "not-an-email", "emails": ("JANE@example.com",)},
        {},
        ("jane@example.com", "+33612345678", None),
    ),
    ("phone-only", {"email": None}, {}, (None, "+33612345678", None)),
    (
        "international-phone-without-region",
        {"email": None, "phones": ("0033 6 12 34 56 78",)},
        {"phone_region": None},
        (None, "+33612345678", None),
    ),
    (
        "ext-id-policy-keeps-everyone",
        {"email": None, "phones": ()},
        {"identity": {"policy": "email_then_sms_then_ext_id"}},
        (None, None, "gorgias-7"),
    ),
    (
        "ext-id-policy-adds-ext-id",
        {},
        {
            "identity": {
                "policy": "email_then_sms_then_ext_id",
                "ext_id_format": "shop-{id}",
            }
        },
        ("jane.doe@example.com", "+33612345678", "shop-7"),
    ),
]


@pytest.mark.parametrize(
    ("facts", "settings", "expected"),
    [case[1:] for case in IDENTITY_CASES],
    ids=[case[0] for case in IDENTITY_CASES],
)
def test_plan_identity_policy(
    facts: dict[str, Any], settings: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    plan = planned(plan_contact(customer(**facts), [], [], config=gorgias(**settings)))
    assert plan.identity.email == expected[0]
    assert plan.identity.sms == expected[1]
    assert plan.identity.ext_id == expected[2]


SKIP_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("no-email-no-phone", {"email": None, "phones": ()}, {}, "no_email_or_phone"),
    (
        "invalid-email-unusable-phone",
        {"email": "nobody@", "phones": ("12",)},
        {},
        "no_email_or_phone",
    ),
    (
        "local-phone-without-region",
        {"email": None},
        {"phone_region": None},
        "no_email_or_phone",
    ),
    (
        "email-only-policy",
        {"email": None},
        {"identity": {"policy": "email_only"}},
        "no_email",
    ),
    (
        "email-only-policy-no-phone",
        {"email": None, "phones": ()},
        {"identity": {"policy": "email_only"}},
        "no_email",
    ),
    (
        "email-only-policy-sms-unmapped",
        {"email": None},
        {
            "identity": {"policy": "email_only"},
            "field_mapping": {"email": "email", "phone": "PHONE_TEXT"},
        },
        "no_email",
    ),
]


@pytest.mark.parametrize(
    ("facts", "settings", "reason"),
    [case[1:] for case in SKIP_CASES],
    ids=[case[0] for case in SKIP_CASES],
)
def test_plan_skip_reason(
    facts: dict[str, Any], settings: dict[str, Any], reason: str
) -> None:
    result = plan_contact(customer(**facts), [], [], config=gorgias(**settings))
    assert isinstance(result, Skip)
    assert result.reason == reason
    assert result.customer_id == 7


def test_plan_skip_reports_dropped_phone() -> None:
    result = plan_contact(
        customer(email=None), [], [], config=gorgias(phone_region=None)
    )
    assert isinstance(result, Skip)
    assert result.warnings == ("phone_needs_region:06 12 34 56 78",)


def test_plan_lists_every_contact_in_all_support() -> None:
    plan = planned(plan_contact(customer(), [], [], config=gorgias()))
    assert plan.lists == {35}
    assert plan.managed_lists == {35, 36, 37, 40, 41}
    assert plan.lists_to_remove == {36, 37, 40, 41}


@pytest.mark.parametrize(
    ("score", "expected"),
    [(5, {35, 36}), (4, {35, 36}), (3, {35}), (2, {35, 37}), (1, {35, 37})],
)
def test_plan_lists_by_last_score(score: int, expected: set[int]) -> None:
    plan = planned(
        plan_contact(customer(), [], [scored(1, score, day=1)], config=gorgias())
    )
    assert plan.lists == expected


def test_plan_lists_move_satisfied_to_dissatisfied() -> None:
    before = planned(
        plan_contact(customer(), [], [scored(1, 5, day=1)], config=gorgias())
    )
    after = planned(
        plan_contact(
            customer(), [], [scored(1, 5, day=1), scored(2, 1, day=2)], config=gorgias()
        )
    )
    assert 36 in before.lists
    assert 37 in after.lists
    assert 36 in after.lists_to_remove


def test_plan_lists_custom_thresholds() -> None:
    config = gorgias(csat={"satisfied_min": 5, "dissatisfied_max": 3})
    plan = planned(plan_contact(customer(), [], [scored(1, 3, day=1)], config=config))
    assert plan.lists == {35, 37}


def test_plan_lists_tags_ignore_case() -> None:
    tickets = [ticket(1, tags=("VIP", "refund")), ticket(2, tags=("Shipping-Delay",))]
    plan = planned(plan_contact(customer(), tickets, [], config=gorgias()))
    assert plan.lists == {35, 40, 41}
    assert plan.tags == ("refund", "Shipping-Delay", "VIP")


def test_plan_lists_tag_removed_leaves_list() -> None:
    before = planned(
        plan_contact(customer(), [ticket(1, tags=("vip",))], [], config=gorgias())
    )
    after = planned(
        plan_contact(customer(), [ticket(1, tags=())], [], config=gorgias())
    )
    assert 40 in before.lists
    assert 40 in after.lists_to_remove


def test_plan_lists_ignore_spam_ticket_tags() -> None:
    tickets = [
        ticket(1, tags=("vip",), spam=True),
        ticket(2, tags=("vip",), trashed=True),
    ]
    plan = planned(plan_contact(customer(), tickets, [], config=gorgias()))
    assert 40 not in plan.lists


def test_plan_lists_customer_tags() -> None:
    plan = planned(
        plan_contact(customer(customer_tags=("vip",)), [], [], config=gorgias())
    )
    assert 40 in plan.lists


def test_plan_lists_tag_sources_switched_off() -> None:
    config = gorgias(tag_sources={"tickets": False, "customer": False})
    facts = customer(customer_tags=("vip",))
    plan = planned(plan_contact(facts, [ticket(1, tags=("vip",))], [], config=config))
    assert plan.lists == {35}
    assert plan.tags == ()


def test_plan_lists_without_survey_sync() -> None:
    config = gorgias(sync={"satisfaction_surveys": False})
    plan = planned(plan_contact(customer(), [], [scored(1, 5, day=1)], config=config))
    assert plan.lists == {35}
    assert plan.managed_lists == {35, 40, 41}


def test_required_attributes_published_mapping() -> None:
    required = required_attributes(
        gorgias().field_mapping,
        custom_field_types={"vip_status": "boolean", "customer_type": "text"},
    )
    assert required == {
        "GORGIAS_ID": "text",
        "FIRSTNAME": "text",
        "TICKET_COUNT": "float",
        "LAST_SUPPORT_DATE": "date",
        "LAST_SUPPORT_CHANNEL": "text",
        "AVG_RESPONSE_TIME": "float",
        "CSAT_SCORE": "float",
        "CSAT_RESPONSES": "float",
        "CUSTOMER_TYPE": "text",
        "VIP_STATUS": "boolean",
    }


@pytest.mark.parametrize(
    ("data_type", "expected"),
    [
        ("number", "float"),
        ("boolean", "boolean"),
        ("text", "text"),
        ("dropdown", "text"),
    ],
)
def test_required_attributes_custom_field_type(data_type: str, expected: str) -> None:
    required = required_attributes(
        {"loyalty": "LOYALTY"}, custom_field_types={"loyalty": data_type}
    )
    assert required == {"LOYALTY": expected}


def test_required_attributes_unknown_custom_field_is_text() -> None:
    assert required_attributes({"loyalty": "LOYALTY"}) == {"LOYALTY": "text"}
