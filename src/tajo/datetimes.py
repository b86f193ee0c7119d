"""Lenient datetime parsing and the one canonical form the store keeps.

Gorgias sends datetimes with or without an offset, with or without microseconds,
and with `T` or a space between date and time. A value without an offset is UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tajo.errors import DatetimeParseError


def parse_datetime(value: str | datetime) -> datetime:
    """Return `value` as an aware UTC datetime.

    Raises:
        DatetimeParseError: the value is not an ISO 8601 date and time.
    """
    if isinstance(value, datetime):
        parsed = value
    else:
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise DatetimeParseError(value) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_optional_datetime(value: str | datetime | None) -> datetime | None:
    """Return None for None or an empty string, else `parse_datetime(value)`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_datetime(value)


def format_datetime(value: datetime) -> str:
    """Return the canonical stored form: UTC, microseconds, `+00:00`."""
    return parse_datetime(value).isoformat(timespec="microseconds")
