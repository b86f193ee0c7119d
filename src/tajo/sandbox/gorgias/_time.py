"""Datetime helpers for the simulator: compare mixed formats, stamp new values.

Gorgias returns datetimes with or without an offset, with or without
microseconds, and with `T` or a space between date and time. Stored strings
are never rewritten; they are only parsed to compare instants, and a value
without an offset is read as UTC.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def utc_now() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)


@functools.lru_cache(maxsize=262_144)
def instant_micros(value: str) -> int | None:
    """Return microseconds since the epoch for a Gorgias datetime string.

    Returns None when the string is not a datetime, so one garbled seeded
    value sorts first instead of breaking a whole list.
    """
    parsed = parse_query_datetime(value)
    if parsed is None:
        return None
    return micros_of(parsed)


def sort_key(value: object) -> tuple[int, int]:
    """Build a sort key for a datetime field: missing or garbled values first."""
    if isinstance(value, str):
        micros = instant_micros(value)
        if micros is not None:
            return (1, micros)
    return (0, 0)


def parse_query_datetime(value: str) -> datetime | None:
    """Parse an ISO 8601 datetime leniently; naive values are read as UTC."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def micros_of(moment: datetime) -> int:
    """Return microseconds since the epoch for an aware datetime."""
    return (moment - _EPOCH) // _MICROSECOND


def stamp(now: Callable[[], datetime]) -> str:
    """Format the sandbox's current time the way live Gorgias responses do.

    Live payloads carry a `+00:00` offset; `isoformat` drops the fraction when
    the microseconds are zero, which real responses also do sometimes.
    """
    return now().astimezone(UTC).isoformat()
