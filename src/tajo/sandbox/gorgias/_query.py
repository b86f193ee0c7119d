"""Strict query-string access: unknown parameters are a 400, as on Gorgias.

Array parameters arrive as repeated keys (`types=a&types=b`); the bracket
spelling `types[]=a` is accepted as the same parameter.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from datetime import datetime
from urllib.parse import parse_qsl

from tajo.sandbox.gorgias._errors import invalid_param
from tajo.sandbox.gorgias._time import parse_query_datetime

PAGING = frozenset({"cursor", "limit", "order_by"})
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


class Query:
    """The parsed query string of one request, checked against allowed names."""

    def __init__(
        self,
        query_string: str,
        allowed: Collection[str],
        *,
        arrays: Collection[str] = (),
    ) -> None:
        """Parse the query string.

        Raises:
            InvalidRequest: a parameter is not in `allowed` or `arrays`, or a
                single-valued parameter is repeated.
        """
        self._values: dict[str, list[str]] = {}
        for raw_key, value in parse_qsl(query_string, keep_blank_values=True):
            key = (
                raw_key[:-2]
                if raw_key.endswith("[]") and raw_key[:-2] in arrays
                else raw_key
            )
            if key not in allowed and key not in arrays:
                raise invalid_param(key, "Unknown parameter for this endpoint.")
            self._values.setdefault(key, []).append(value)
        for key, values in self._values.items():
            if key not in arrays and len(values) > 1:
                raise invalid_param(key, "Expected a single value.")

    def one(self, name: str) -> str | None:
        """Return a single-valued parameter, or None when absent."""
        values = self._values.get(name)
        return values[0] if values else None

    def many(self, name: str) -> list[str]:
        """Return every value of an array parameter."""
        return list(self._values.get(name, ()))

    def integer(self, name: str) -> int | None:
        """Return an integer parameter.

        Raises:
            InvalidRequest: the value is not an integer.
        """
        raw = self.one(name)
        if raw is None:
            return None
        return to_int(name, raw)

    def integers(self, name: str) -> list[int]:
        """Return an array of integers.

        Raises:
            InvalidRequest: a value is not an integer.
        """
        return [to_int(name, raw) for raw in self.many(name)]

    def boolean(self, name: str, *, default: bool) -> bool:
        """Return a boolean parameter (`true`/`false`, `1`/`0`).

        Raises:
            InvalidRequest: any other value.
        """
        raw = self.one(name)
        if raw is None:
            return default
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise invalid_param(name, f"Expected true or false; got {raw!r}.")

    def datetime(self, name: str) -> datetime | None:
        """Return a datetime parameter; naive values are UTC.

        Raises:
            InvalidRequest: the value is not an ISO 8601 datetime.
        """
        raw = self.one(name)
        if raw is None:
            return None
        parsed = parse_query_datetime(raw)
        if parsed is None:
            raise invalid_param(name, f"Expected an ISO 8601 datetime; got {raw!r}.")
        return parsed

    def has(self, name: str) -> bool:
        """Tell whether the parameter was sent."""
        return name in self._values

    def signature(self) -> Hashable:
        """Return the filters (everything but cursor and limit) as a hashable."""
        return tuple(
            sorted(
                (key, tuple(values))
                for key, values in self._values.items()
                if key not in ("cursor", "limit")
            )
        )


def to_int(name: str, raw: str) -> int:
    """Parse one integer parameter value.

    Raises:
        InvalidRequest: the value is not an integer.
    """
    try:
        return int(raw)
    except ValueError:
        raise invalid_param(name, f"Expected an integer; got {raw!r}.") from None
