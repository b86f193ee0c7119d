"""Preload attributes and contacts with the API's own rules, minus HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tajo.sandbox.brevo.apierror import ApiError
from tajo.sandbox.brevo.catalogue import AttributeCatalogue, AttributeDef
from tajo.sandbox.brevo.contact_writes import CREATE_FIELDS, parse_write, upsert
from tajo.sandbox.brevo.data import SandboxData


def seed_attribute(
    catalogue: AttributeCatalogue, item: AttributeDef | dict[str, Any]
) -> None:
    """Add an attribute given as a definition or in the listing shape.

    Raises:
        ValueError: when the name is taken or the item has no name.
    """
    if isinstance(item, dict):
        if not isinstance(item.get("name"), str):
            raise ValueError(f"attribute seed needs a name: item={item!r}")
        item = AttributeDef(
            name=item["name"],
            category=item.get("category", "normal"),
            type=item.get("type", "text"),
            enumeration=item.get("enumeration"),
            options=item.get("multiCategoryOptions"),
            calculated_value=item.get("calculatedValue"),
        )
    try:
        catalogue.add(item)
    except ApiError as error:
        raise ValueError(
            f"attribute seed rejected: name={item.name!r}; {error.message}"
        ) from None


def seed_contact(data: SandboxData, body: dict[str, Any], *, now: datetime) -> int:
    """Create a contact from a `POST /v3/contacts` body plus an optional id.

    Raises:
        ValueError: for anything the API would reject, or an
            id already in use.
    """
    fields = dict(body)
    forced_id = fields.pop("id", None)
    store = data.contacts
    if forced_id is not None and forced_id in store.by_id:
        raise ValueError(f"contact seed rejected: id={forced_id} is in use")
    previous_next = store.next_id
    try:
        write = parse_write(
            fields,
            data.catalogue,
            set(data.lists),
            allowed=CREATE_FIELDS,
            strict_fields=True,
        )
        if forced_id is not None:
            store.next_id = forced_id
        new_id = upsert(
            store,
            write,
            update_enabled=False,
            now=now,
            sms_conflict_code="duplicate_parameter",
        )
    except ApiError as error:
        store.next_id = previous_next
        raise ValueError(
            f"contact seed rejected: body={body!r}; {error.message}"
        ) from None
    if forced_id is not None:
        store.next_id = max(previous_next, forced_id + 1)
    if new_id is None:
        raise RuntimeError("upsert without updateEnabled returned no new id")
    return new_id
