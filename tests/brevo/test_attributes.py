from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tajo.brevo.attributes import (
    AttributeCatalogue,
    RejectedValue,
    prepare_attributes,
)
from tajo.errors import ConfigError

CATALOGUE_BODY: dict[str, object] = {
    "attributes": [
        {"name": "FIRSTNAME", "category": "normal", "type": "text"},
        {"name": "SMS", "category": "normal", "type": "text"},
        {"name": "TICKET_COUNT", "category": "normal", "type": "float"},
        {"name": "CSAT_SCORE", "category": "normal", "type": "float"},
        {"name": "LAST_SUPPORT_DATE", "category": "normal", "type": "date"},
        {"name": "VIP", "category": "normal", "type": "boolean"},
        {
            "name": "SUPPORT_TIER",
            "category": "category",
            "type": "text",
            "enumeration": [
                {"value": 1, "label": "Standard"},
                {"value": 2, "label": "Priority"},
            ],
        },
        {
            "name": "CHANNELS",
            "category": "normal",
            "type": "multiple-choice",
            "multiCategoryOptions": ["email", "chat", "sms"],
        },
        {"name": "OWNER", "category": "normal", "type": "user"},
        {"name": "ORDER_REF", "category": "transactional", "type": "id"},
        {"name": "HOLOGRAM", "category": "normal", "type": "hologram"},
        {"name": "SCORE_SUM", "category": "calculated", "type": "float"},
        {"category": "normal", "type": "text"},
    ]
}


@pytest.fixture
def catalogue() -> AttributeCatalogue:
    return AttributeCatalogue.from_api(CATALOGUE_BODY)


def test_catalogue_skips_nameless_entries(catalogue: AttributeCatalogue) -> None:
    assert len(catalogue) == 12


def test_catalogue_lookup_is_case_insensitive(catalogue: AttributeCatalogue) -> None:
    assert "vip" in catalogue


def test_catalogue_tolerates_garbage() -> None:
    assert len(AttributeCatalogue.from_api({"attributes": "nope"})) == 0


def test_prepare_replay_csat_vip_ticket_count(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes(
        {"CSAT_SCORE": "4", "VIP": "true", "TICKET_COUNT": "3 tickets"}, catalogue
    )
    assert prepared.values == {"CSAT_SCORE": 4.0, "VIP": True}
    assert prepared.rejected == (
        RejectedValue("TICKET_COUNT", "3 tickets", "expected a number"),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4, 4.0), (4.5, 4.5), ("4", 4.0), (" 2.5 ", 2.5), ("-1", -1.0)],
)
def test_prepare_float_accepts_numbers(
    catalogue: AttributeCatalogue, value: object, expected: float
) -> None:
    assert prepare_attributes({"CSAT_SCORE": value}, catalogue).values == {
        "CSAT_SCORE": expected
    }


@pytest.mark.parametrize("value", ["3 tickets", "nan", "inf", True, [1], ""])
def test_prepare_float_rejects(catalogue: AttributeCatalogue, value: object) -> None:
    prepared = prepare_attributes({"CSAT_SCORE": value}, catalogue)
    assert prepared.values == {}
    assert len(prepared.rejected) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("false", False),
        ("yes", True),
        ("No", False),
        (1, True),
        (0, False),
        (True, True),
        ("1", True),
    ],
)
def test_prepare_boolean_words(
    catalogue: AttributeCatalogue, value: object, expected: bool
) -> None:
    assert prepare_attributes({"VIP": value}, catalogue).values == {"VIP": expected}


@pytest.mark.parametrize("value", ["maybe", 2, 0.5, [True]])
def test_prepare_boolean_rejects(catalogue: AttributeCatalogue, value: object) -> None:
    assert prepare_attributes({"VIP": value}, catalogue).rejected[0].attribute == "VIP"


def test_prepare_date_in_configured_timezone(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes(
        {"LAST_SUPPORT_DATE": "2026-08-12T23:30:00+00:00"},
        catalogue,
        timezone="Europe/Paris",
    )
    assert prepared.values == {"LAST_SUPPORT_DATE": "2026-08-13"}


def test_prepare_date_datetime_object(catalogue: AttributeCatalogue) -> None:
    value = datetime(2026, 8, 12, 23, 30, tzinfo=UTC)
    prepared = prepare_attributes(
        {"LAST_SUPPORT_DATE": value}, catalogue, timezone="Europe/Paris"
    )
    assert prepared.values == {"LAST_SUPPORT_DATE": "2026-08-13"}


def test_prepare_date_utc_default(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes(
        {"LAST_SUPPORT_DATE": "2026-08-12T23:30:00+00:00"}, catalogue
    )
    assert prepared.values == {"LAST_SUPPORT_DATE": "2026-08-12"}


@pytest.mark.parametrize("value", ["2026-08-13", date(2026, 8, 13)])
def test_prepare_date_strings_pass(
    catalogue: AttributeCatalogue, value: object
) -> None:
    prepared = prepare_attributes({"LAST_SUPPORT_DATE": value}, catalogue)
    assert prepared.values == {"LAST_SUPPORT_DATE": "2026-08-13"}


@pytest.mark.parametrize("value", ["2026-13-45", "yesterday", 20260813])
def test_prepare_date_rejects(catalogue: AttributeCatalogue, value: object) -> None:
    prepared = prepare_attributes({"LAST_SUPPORT_DATE": value}, catalogue)
    assert prepared.values == {}
    assert prepared.rejected[0].value == value


def test_prepare_invalid_timezone_raises(catalogue: AttributeCatalogue) -> None:
    with pytest.raises(ConfigError, match="timezone='Mars/Olympus'"):
        prepare_attributes({}, catalogue, timezone="Mars/Olympus")


@pytest.mark.parametrize(
    ("value", "expected"), [("Priority", 2), ("standard", 1), (2, 2), ("1", 1)]
)
def test_prepare_category_to_enum_value(
    catalogue: AttributeCatalogue, value: object, expected: int
) -> None:
    assert prepare_attributes({"SUPPORT_TIER": value}, catalogue).values == {
        "SUPPORT_TIER": expected
    }


@pytest.mark.parametrize("value", ["Gold", 7, True])
def test_prepare_category_unknown_rejected(
    catalogue: AttributeCatalogue, value: object
) -> None:
    prepared = prepare_attributes({"SUPPORT_TIER": value}, catalogue)
    assert prepared.values == {}
    assert "Priority, Standard" in prepared.rejected[0].reason


def test_prepare_text_uses_str(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes({"FIRSTNAME": 42}, catalogue)
    assert prepared.values == {"FIRSTNAME": "42"}


def test_prepare_multiple_choice_list(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes({"CHANNELS": ("email", "chat")}, catalogue)
    assert prepared.values == {"CHANNELS": ["email", "chat"]}


def test_prepare_multiple_choice_unknown_option(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes({"CHANNELS": ["fax"]}, catalogue)
    assert prepared.rejected[0].attribute == "CHANNELS"


@pytest.mark.parametrize("name", ["OWNER", "ORDER_REF", "HOLOGRAM"])
def test_prepare_unknown_type_passes_strings(
    catalogue: AttributeCatalogue, name: str
) -> None:
    assert prepare_attributes({name: "abc"}, catalogue).values == {name: "abc"}


def test_prepare_unknown_type_rejects_non_strings(
    catalogue: AttributeCatalogue,
) -> None:
    prepared = prepare_attributes({"HOLOGRAM": 3}, catalogue)
    assert prepared.values == {}
    assert "'hologram'" in prepared.rejected[0].reason


def test_prepare_missing_attribute_reported(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes({"NOT_THERE": "x"}, catalogue)
    assert prepared.values == {}
    assert prepared.rejected[0].attribute == "NOT_THERE"
    assert "not found in Brevo" in prepared.rejected[0].reason


def test_prepare_calculated_attribute_rejected(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes({"SCORE_SUM": 3}, catalogue)
    assert prepared.rejected[0].reason == "calculated attribute is computed by Brevo"


def test_prepare_none_is_empty_not_rejected(catalogue: AttributeCatalogue) -> None:
    prepared = prepare_attributes({"vip": None}, catalogue)
    assert prepared.empty == ("VIP",)
    assert prepared.rejected == ()


def test_prepare_uses_catalogue_spelling(catalogue: AttributeCatalogue) -> None:
    assert prepare_attributes({"vip": "no"}, catalogue).values == {"VIP": False}
