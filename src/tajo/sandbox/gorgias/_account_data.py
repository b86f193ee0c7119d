"""The plain data of a generated account, ready for `GorgiasSandbox.load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]


@dataclass(slots=True)
class AccountData:
    """Lists of API objects, each dict shaped like the Gorgias payload.

    Tickets embed their messages and survey; the same dicts are also in
    `messages` and `surveys`. `customer_custom_field_values` maps a customer
    id to the `data` list of `GET /api/customers/{id}/custom-fields`.
    """

    customers: list[Obj] = field(default_factory=list)
    tickets: list[Obj] = field(default_factory=list)
    messages: list[Obj] = field(default_factory=list)
    surveys: list[Obj] = field(default_factory=list)
    events: list[Obj] = field(default_factory=list)
    users: list[Obj] = field(default_factory=list)
    tags: list[Obj] = field(default_factory=list)
    custom_fields: list[Obj] = field(default_factory=list)
    customer_custom_field_values: dict[int, list[Obj]] = field(default_factory=dict)
    macros: list[Obj] = field(default_factory=list)
    rules: list[Obj] = field(default_factory=list)
    integrations: list[Obj] = field(default_factory=list)
