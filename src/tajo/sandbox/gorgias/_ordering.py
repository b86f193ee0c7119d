"""The `order_by` values each list endpoint accepts, and their sort keys.

The accepted values are those live Gorgias accounts accept. Customers and
tickets sort on created or updated datetime. Messages, surveys, events, rules
and integrations sort on created datetime only. Users never sort on updated
datetime. Tags sort on created datetime, name, or usage paired with name (a
bare `usage` is rejected), and custom field definitions on priority. Anything
else is a 400 naming the parameter. Ties are broken by id in the same
direction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tajo.sandbox.gorgias._errors import invalid_param
from tajo.sandbox.gorgias._time import sort_key

SortKey = Callable[[Mapping[str, Any]], Any]


def _text(value: object) -> tuple[int, str]:
    return (1, value) if isinstance(value, str) else (0, "")


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value)


def _role(obj: Mapping[str, Any]) -> tuple[int, str]:
    role = obj.get("role")
    return _text(role.get("name") if isinstance(role, Mapping) else None)


SORT_KEYS: dict[str, SortKey] = {
    "created_datetime": lambda o: sort_key(o.get("created_datetime")),
    "updated_datetime": lambda o: sort_key(o.get("updated_datetime")),
    "name": lambda o: _text(o.get("name")),
    "email": lambda o: _text(o.get("email")),
    "language": lambda o: _text(o.get("language")),
    "role": _role,
    "usage": lambda o: _number(o.get("usage")),
    "usage_name": lambda o: (_number(o.get("usage")), _text(o.get("name"))),
    "priority": lambda o: _number(o.get("priority")),
}


@dataclass(frozen=True, slots=True)
class Ordering:
    """A resolved `order_by`: the sort key name and its direction."""

    key: str
    descending: bool


def _both_ways(*fields: str) -> dict[str, Ordering]:
    table = {}
    for field in fields:
        table[f"{field}:asc"] = Ordering(field, descending=False)
        table[f"{field}:desc"] = Ordering(field, descending=True)
    return table


_CREATED = _both_ways("created_datetime")

ACCEPTED_ORDERS: dict[str, dict[str, Ordering]] = {
    "customers": _both_ways("created_datetime", "updated_datetime"),
    "tickets": _both_ways("created_datetime", "updated_datetime"),
    "messages": _CREATED,
    # The bare `created_datetime` is deprecated on events but still accepted.
    "events": _CREATED | {"created_datetime": Ordering("created_datetime", False)},
    "satisfaction-surveys": _CREATED,
    "users": _both_ways("created_datetime", "name", "email", "role"),
    "tags": _both_ways("created_datetime", "name")
    | {
        "usage:asc,name:asc": Ordering("usage_name", descending=False),
        "usage:desc,name:desc": Ordering("usage_name", descending=True),
    },
    "macros": _both_ways(
        "name", "created_datetime", "updated_datetime", "usage", "language"
    )
    # Gorgias ranks `relevance` against the ticket given in `ticket_id`; the
    # simulator approximates it with usage, most used first.
    | {
        "relevance:asc": Ordering("usage", True),
        "relevance:desc": Ordering("usage", True),
    },
    "rules": _CREATED,
    "integrations": _CREATED,
    "custom-fields": _both_ways("priority"),
}

DEFAULT_ORDERS: dict[str, str] = {"custom-fields": "priority:asc"}


def resolve_order(resource: str, order_by: str | None) -> tuple[str, Ordering]:
    """Return the effective `order_by` text and ordering for a list endpoint.

    Raises:
        InvalidRequest: `order_by` is not one this endpoint accepts.
    """
    accepted = ACCEPTED_ORDERS[resource]
    text = (
        order_by
        if order_by is not None
        else DEFAULT_ORDERS.get(resource, "created_datetime:desc")
    )
    ordering = accepted.get(text)
    if ordering is None:
        choices = ", ".join(sorted(accepted))
        raise invalid_param(
            "order_by",
            f"Invalid value {text!r} for this endpoint; accepted values: {choices}.",
        )
    return text, ordering
