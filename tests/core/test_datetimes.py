from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tajo.datetimes import format_datetime, parse_datetime, parse_optional_datetime
from tajo.errors import DatetimeParseError

EXPECTED = {
    "2019-04-13T03:27:56.973873": datetime(2019, 4, 13, 3, 27, 56, 973873, tzinfo=UTC),
    "2024-02-14T21:30:50.201204+00:00": datetime(
        2024, 2, 14, 21, 30, 50, 201204, tzinfo=UTC
    ),
    "2024-11-01T08:48:50+00:00": datetime(2024, 11, 1, 8, 48, 50, tzinfo=UTC),
    "2024-06-20 07:39:36.514848+00:00": datetime(
        2024, 6, 20, 7, 39, 36, 514848, tzinfo=UTC
    ),
    "2018-12-04T03:29:37-08:00": datetime(2018, 12, 4, 11, 29, 37, tzinfo=UTC),
    "2026-08-12T10:05:00Z": datetime(2026, 8, 12, 10, 5, tzinfo=UTC),
}


@pytest.mark.parametrize("text", list(EXPECTED), ids=list(EXPECTED))
def test_parse_datetime_variants(text: str) -> None:
    assert parse_datetime(text) == EXPECTED[text]


def test_parse_datetime_result_is_utc() -> None:
    assert parse_datetime("2018-12-04T03:29:37-08:00").utcoffset() is not None
    assert parse_datetime("2018-12-04T03:29:37-08:00").tzinfo == UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00"])
def test_parse_datetime_rejects_garbage(text: str) -> None:
    with pytest.raises(DatetimeParseError, match="invalid datetime"):
        parse_datetime(text)


def test_parse_optional_datetime_blank_is_none() -> None:
    assert parse_optional_datetime(None) is None
    assert parse_optional_datetime("  ") is None


def test_format_datetime_is_canonical() -> None:
    assert format_datetime(parse_datetime("2024-11-01 08:48:50")) == (
        "2024-11-01T08:48:50.000000+00:00"
    )
