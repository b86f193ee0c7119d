"""Customer writes: create, partial update, merge and delete.

Rules from the Gorgias API: an email already used by another customer is a
409, and `channels` on update replaces every channel. Merging deletes the
source customer (404 afterwards) and re-points its tickets and surveys to the
target. A merge is a 409 when both customers have data for one integration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tajo.sandbox.gorgias._context import MutationContext, new_context_id
from tajo.sandbox.gorgias._errors import Conflict, InvalidRequest, NotFound
from tajo.sandbox.gorgias._store import Obj

WRITABLE_FIELDS = frozenset(
    {
        "name",
        "firstname",
        "lastname",
        "email",
        "external_id",
        "language",
        "timezone",
        "note",
        "channels",
        "meta",
        "custom_fields",
        "data",
    }
)
_TEXT_FIELDS = (
    "name",
    "firstname",
    "lastname",
    "external_id",
    "language",
    "timezone",
    "note",
)
_CHANNEL_FIELDS = frozenset({"type", "address", "preferred"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalized_email(value: object) -> str | None:
    """Return the email as compared for uniqueness: trimmed and lower-cased."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def validate_customer_body(ctx: MutationContext, body: object, action: str) -> Obj:
    """Check a create or update body and return it as a dict.

    Raises:
        InvalidRequest: not an object, unknown fields, or values of the wrong
            type, in the `{"error": {"msg", "data"}}` shape.
    """
    if not isinstance(body, dict):
        raise InvalidRequest(
            f"Failed to {action} customer", {"_schema": ["Expected a JSON object."]}
        )
    problems: dict[str, list[str]] = {}
    for key in body:
        if key not in WRITABLE_FIELDS:
            problems[str(key)] = ["Unknown field."]
    email = body.get("email")
    if email is not None and (
        not isinstance(email, str) or not _EMAIL.fullmatch(email)
    ):
        problems["email"] = ["Not a valid email address."]
    for key in _TEXT_FIELDS:
        if body.get(key) is not None and not isinstance(body[key], str):
            problems[key] = ["Not a valid string."]
    for key in ("meta", "data"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            problems[key] = ["Not a valid mapping type."]
    if "channels" in body:
        problems.update(_channel_problems(body["channels"]))
    if "custom_fields" in body:
        problems.update(_custom_field_problems(ctx, body["custom_fields"]))
    if problems:
        raise InvalidRequest(f"Failed to {action} customer", problems)
    return body


def _channel_problems(channels: object) -> dict[str, list[str]]:
    if not isinstance(channels, list):
        return {"channels": ["Not a valid list."]}
    for channel in channels:
        if not isinstance(channel, dict) or not set(channel) <= _CHANNEL_FIELDS:
            return {
                "channels": ["Each channel takes only type, address and preferred."]
            }
        if not isinstance(channel.get("type"), str) or not isinstance(
            channel.get("address"), str
        ):
            return {"channels": ["Each channel needs a string type and address."]}
        if channel.get("type") == "email" and not _EMAIL.fullmatch(channel["address"]):
            return {"channels": ["Not a valid email address."]}
    return {}


def _custom_field_problems(
    ctx: MutationContext, values: object
) -> dict[str, list[str]]:
    if not isinstance(values, list):
        return {"custom_fields": ["Not a valid list."]}
    for item in values:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            return {"custom_fields": ["Each item needs an integer id and a value."]}
        definition = ctx.store.get("custom-fields", item["id"])
        if definition is None or definition.get("object_type") != "Customer":
            return {"custom_fields": [f"Unknown customer field id {item['id']}."]}
    return {}


def _ensure_email_free(ctx: MutationContext, email: object, own_id: int | None) -> None:
    requested = normalized_email(email)
    if requested is None:
        return
    for customer in ctx.store["customers"].values():
        if (
            customer["id"] != own_id
            and normalized_email(customer.get("email")) == requested
        ):
            raise Conflict({"email": ["This email is used by another customer."]})


def _next_channel_id(ctx: MutationContext) -> int:
    highest = 0
    for customer in ctx.store["customers"].values():
        for channel in customer.get("channels") or ():
            if isinstance(channel, dict) and isinstance(channel.get("id"), int):
                highest = max(highest, channel["id"])
    return highest + 1


def _build_channels(
    ctx: MutationContext, customer: Obj, requested: list[Obj]
) -> list[Obj]:
    """Build channel objects; the primary email gets a channel if it has none."""
    now = ctx.stamp()
    summary = {"id": customer["id"], "name": customer.get("name")}
    planned = list(requested)
    email = customer.get("email")
    if email and not any(c.get("address") == email for c in planned):
        has_preferred = any(c.get("preferred") for c in planned)
        planned.insert(
            0, {"type": "email", "address": email, "preferred": not has_preferred}
        )
    channel_id = _next_channel_id(ctx)
    channels = []
    for offset, channel in enumerate(planned):
        channels.append(
            {
                "address": channel["address"],
                "created_datetime": now,
                "customer": dict(summary),
                "deleted_datetime": None,
                "id": channel_id + offset,
                "preferred": bool(channel.get("preferred", False)),
                "type": channel["type"],
                "updated_datetime": now,
                "user": dict(summary),
            }
        )
    return channels


def _display_name(body: Mapping[str, Any], current: Mapping[str, Any]) -> Any:
    if body.get("name") is not None:
        return body["name"]
    first = body.get("firstname", current.get("firstname")) or ""
    last = body.get("lastname", current.get("lastname")) or ""
    full = f"{first} {last}".strip()
    return full or current.get("name")


def _apply_custom_fields(
    ctx: MutationContext, customer_id: int, items: list[Obj]
) -> None:
    values = ctx.store.customer_field_values.setdefault(customer_id, [])
    for item in items:
        definition = ctx.store["custom-fields"][item["id"]]
        field_summary = {
            key: definition.get(key)
            for key in ("id", "label", "object_type", "definition")
        }
        for entry in values:
            if (
                isinstance(entry.get("field"), dict)
                and entry["field"].get("id") == item["id"]
            ):
                entry["value"] = item.get("value")
                break
        else:
            values.append(
                {"field": field_summary, "prediction": None, "value": item.get("value")}
            )


def create_customer(ctx: MutationContext, body: object) -> Obj:
    """Create a customer from a `POST /api/customers` body.

    Raises:
        InvalidRequest: the body is invalid.
        Conflict: the email belongs to another customer.
    """
    fields = validate_customer_body(ctx, body, "create")
    _ensure_email_free(ctx, fields.get("email"), None)
    now = ctx.stamp()
    customer: Obj = {
        "id": ctx.store.next_id("customers"),
        "active": True,
        "channels": [],
        "created_datetime": now,
        "customer": None,
        "data": fields.get("data"),
        "email": fields.get("email"),
        "external_id": fields.get("external_id"),
        "firstname": fields.get("firstname") or "",
        "lastname": fields.get("lastname") or "",
        "name": _display_name(fields, {}),
        "integrations": {},
        "language": fields.get("language"),
        "meta": fields.get("meta") or {"name_set_via": "api"},
        "note": fields.get("note"),
        "timezone": fields.get("timezone") or "UTC",
        "updated_datetime": now,
    }
    customer["channels"] = _build_channels(ctx, customer, fields.get("channels") or [])
    ctx.store.put("customers", customer)
    if fields.get("custom_fields"):
        _apply_custom_fields(ctx, customer["id"], fields["custom_fields"])
    ctx.record_event(
        "customer-created",
        "Customer",
        customer["id"],
        user_id=ctx.owner_id(),
        context=new_context_id(),
    )
    return customer


def update_customer(ctx: MutationContext, customer_id: int, body: object) -> Obj:
    """Apply a partial `PUT /api/customers/{id}` body.

    Raises:
        NotFound: unknown or deleted customer.
        InvalidRequest: the body is invalid.
        Conflict: the new email belongs to another customer.
    """
    customer = ctx.store.get("customers", customer_id)
    if customer is None:
        raise NotFound(f"customer_id={customer_id}")
    fields = validate_customer_body(ctx, body, "update")
    if "email" in fields:
        _ensure_email_free(ctx, fields["email"], customer_id)
    for key in ("email", "external_id", "language", "timezone", "note", "meta", "data"):
        if key in fields:
            customer[key] = fields[key]
    for key in ("firstname", "lastname"):
        if key in fields:
            customer[key] = fields[key] or ""
    if {"name", "firstname", "lastname"} & set(fields):
        customer["name"] = _display_name(fields, customer)
    if "channels" in fields:
        customer["channels"] = _build_channels(ctx, customer, fields["channels"])
    if fields.get("custom_fields"):
        _apply_custom_fields(ctx, customer_id, fields["custom_fields"])
    customer["updated_datetime"] = ctx.stamp()
    ctx.store.touch("customers")
    ctx.record_event(
        "customer-updated",
        "Customer",
        customer_id,
        user_id=ctx.owner_id(),
        context=new_context_id(),
    )
    return customer


def merge_customers(ctx: MutationContext, source_id: int, target_id: int) -> Obj:
    """Merge `source_id` into `target_id`, delete the source, return the target.

    Raises:
        InvalidRequest: both ids are the same.
        NotFound: either customer is unknown or deleted.
        Conflict: both customers hold data for the same integration.
    """
    if source_id == target_id:
        raise InvalidRequest(
            "Failed to merge customers",
            {"source_id": ["The source and target customers must differ."]},
        )
    source = ctx.store.get("customers", source_id)
    target = ctx.store.get("customers", target_id)
    if source is None or target is None:
        raise NotFound(f"source_id={source_id} target_id={target_id}")
    source_integrations = source.get("integrations") or {}
    target_integrations = target.get("integrations") or {}
    shared = sorted(set(source_integrations) & set(target_integrations))
    if shared:
        raise Conflict(
            {"integrations": [f"Both customers have data for {', '.join(shared)}."]}
        )
    now = ctx.stamp()
    context = new_context_id()
    target["integrations"] = {**target_integrations, **source_integrations}
    if not target.get("email") and source.get("email"):
        target["email"] = source["email"]
    for key in ("name", "external_id", "language", "note", "data"):
        if not target.get(key) and source.get(key):
            target[key] = source[key]
    known = {(c.get("type"), c.get("address")) for c in target.get("channels") or ()}
    summary = {"id": target_id, "name": target.get("name")}
    for channel in source.get("channels") or ():
        if (channel.get("type"), channel.get("address")) not in known:
            target.setdefault("channels", []).append(
                {**channel, "customer": dict(summary), "user": dict(summary)}
            )
    source_values = ctx.store.customer_field_values.pop(source_id, [])
    target_values = ctx.store.customer_field_values.setdefault(target_id, [])
    target_fields = {e.get("field", {}).get("id") for e in target_values}
    target_values.extend(
        e for e in source_values if e.get("field", {}).get("id") not in target_fields
    )
    target["updated_datetime"] = now
    _repoint_tickets(ctx, source_id, target, context)
    for survey in ctx.store["satisfaction-surveys"].values():
        if survey.get("customer_id") == source_id:
            survey["customer_id"] = target_id
    ctx.store.remove("customers", source_id)
    ctx.store.touch("customers")
    ctx.record_event(
        "customer-merged",
        "Customer",
        target_id,
        user_id=ctx.owner_id(),
        context=context,
        # NOTE: Gorgias does not document the event `data`; the simulator
        # names the merged-away customer here.
        data={"source_id": source_id, "target_id": target_id},
    )
    return target


def _repoint_tickets(
    ctx: MutationContext, source_id: int, target: Obj, context: str
) -> None:
    now = ctx.stamp()
    for ticket in ctx.store["tickets"].values():
        embedded = ticket.get("customer")
        if isinstance(embedded, dict) and embedded.get("id") == source_id:
            ticket["customer"] = {k: v for k, v in target.items() if k != "customer"}
            ticket["updated_datetime"] = now
            ctx.record_event(
                "ticket-customer-updated",
                "Ticket",
                ticket["id"],
                user_id=ctx.owner_id(),
                context=context,
            )
    ctx.store.touch("tickets")


def delete_customer(ctx: MutationContext, customer_id: int) -> None:
    """Delete a customer; later reads of it are 404s.

    Raises:
        NotFound: unknown or already deleted customer.
    """
    if ctx.store.remove("customers", customer_id) is None:
        raise NotFound(f"customer_id={customer_id}")
    ctx.store.customer_field_values.pop(customer_id, None)
    ctx.record_event(
        "customer-deleted",
        "Customer",
        customer_id,
        user_id=ctx.owner_id(),
        context=new_context_id(),
    )
