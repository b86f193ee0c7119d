"""Generate the catalogue: tags, custom fields, macros, rules and integrations."""

from __future__ import annotations

from typing import Any

from tajo.sandbox.gorgias._gen_common import Gen
from tajo.sandbox.gorgias._gen_people import SHOPIFY_INTEGRATION_ID

Obj = dict[str, Any]

EMAIL_INTEGRATION_ID = 66567
CONTACT_REASON_FIELD_ID = 301
TAG_NAMES = (
    "shipping-delay",
    "refund",
    "return",
    "order-status",
    "damaged",
    "wrong-item",
    "billing",
    "vip",
    "VIP",
    "urgent",
    "newsletter",
    "wholesale",
    "complaint",
    "feedback",
    "exchange",
    "size-question",
    "promo-code",
    "lost-package",
    "cancel-order",
    "account",
    "subscription",
    "gift",
    "warranty",
    "b2b",
    "out-of-stock",
    "address-change",
    "spam-filter",
    "praise",
    "repeat-buyer",
)
RULE_CODE = "if (ticket.channel === 'email') { Action('addTags', {tags: 'auto'}) }"
CONTACT_REASONS = (
    "Order::Status",
    "Order::Return",
    "Product::Question",
    "Billing::Refund",
    "Other",
)

# (id, label, data_type, choices, archived); choices None means free input.
CUSTOMER_FIELDS: tuple[tuple[int, str, str, tuple[Any, ...] | None, bool], ...] = (
    (1201, "Loyalty tier", "text", ("bronze", "silver", "gold"), False),
    (1202, "Newsletter opt-in", "boolean", None, False),
    (1203, "Customer type", "text", ("b2c", "b2b", "wholesale"), False),
    (1204, "VIP status", "boolean", None, False),
    (1205, "Lifetime value", "number", None, False),
    (1206, "Legacy segment", "text", ("A", "B"), True),
)
TICKET_FIELDS = (
    (CONTACT_REASON_FIELD_ID, "Contact reason", "text", CONTACT_REASONS, False),
    (302, "Resolution", "text", None, False),
)


def make_tags(gen: Gen, count: int) -> list[Obj]:
    """Generate tags; names are case-sensitive, so `vip` and `VIP` both exist."""
    tags = []
    for index in range(count):
        base = TAG_NAMES[index % len(TAG_NAMES)]
        name = base if index < len(TAG_NAMES) else f"{base}-{index // len(TAG_NAMES)}"
        fmt = gen.formatter()
        tag_id = 5531 + index
        tags.append(
            {
                "id": tag_id,
                "name": name,
                "description": None if gen.chance(0.6) else f"Tickets about {base}",
                "decoration": {"color": f"#{gen.rng.randrange(0x1000000):06X}"},
                "usage": 0,
                "uri": f"/api/tags/{tag_id}/",
                "created_datetime": fmt(gen.days_ago(gen.rng.uniform(200, 1500))),
                "deleted_datetime": None,
            }
        )
    return tags


def make_custom_fields(gen: Gen) -> list[Obj]:
    """Generate custom field definitions for customers and tickets."""
    fields = []
    for object_type, specs in (
        ("Customer", CUSTOMER_FIELDS),
        ("Ticket", TICKET_FIELDS),
    ):
        for priority, (field_id, label, data_type, choices, archived) in enumerate(
            specs, 1
        ):
            settings: Obj = {
                "input_type": "dropdown"
                if choices or data_type == "boolean"
                else "input"
            }
            if choices:
                settings["choices"] = list(choices)
            fmt = gen.formatter()
            created = gen.days_ago(gen.rng.uniform(300, 900))
            fields.append(
                {
                    "id": field_id,
                    "object_type": object_type,
                    "label": label,
                    "description": None,
                    "priority": priority,
                    "required": False,
                    "managed_type": None,
                    "external_id": None,
                    "definition": {"data_type": data_type, "input_settings": settings},
                    "created_datetime": fmt(created),
                    "updated_datetime": fmt(created),
                    "deactivated_datetime": fmt(gen.days_ago(30)) if archived else None,
                }
            )
    return fields


def field_summary(definition: Obj) -> Obj:
    """Return the short field form embedded next to a value."""
    return {
        key: definition[key] for key in ("id", "label", "object_type", "definition")
    }


def make_field_values(gen: Gen, definitions: list[Obj]) -> list[Obj]:
    """Generate one customer's custom field values (some cleared to null)."""
    values = []
    for definition in definitions:
        if not gen.chance(0.55):
            continue
        data_type = definition["definition"]["data_type"]
        choices = definition["definition"]["input_settings"].get("choices")
        value: Any
        if gen.chance(0.05):
            value = None
        elif choices:
            value = gen.pick(choices)
        elif data_type == "boolean":
            value = gen.chance(0.3)
        else:
            value = round(gen.rng.uniform(0, 2500), 2)
        values.append(
            {"field": field_summary(definition), "prediction": None, "value": value}
        )
    return values


def make_macros(gen: Gen, tag_names: list[str]) -> list[Obj]:
    """Generate macros shaped like the API's, with their actions."""
    titles = (
        "Order status - shipped",
        "Refund issued",
        "Return label",
        "Ask for photo",
        "Size guide",
        "Thanks for the feedback",
        "Address change",
        "Out of stock",
    )
    macros = []
    greeting = "Hi {{ticket.customer.firstname}}"
    for index, title in enumerate(titles):
        fmt = gen.formatter()
        created = gen.days_ago(gen.rng.uniform(200, 900))
        macro_id = 4401 + index
        macros.append(
            {
                "id": macro_id,
                "name": title,
                "intent": None,
                "language": gen.pick(("en", "en", "fr")),
                "external_id": None,
                "usage": gen.rng.randint(0, 400),
                "archived_datetime": fmt(gen.days_ago(20))
                if gen.chance(0.15)
                else None,
                "actions": [
                    {
                        "name": "setResponseText",
                        "title": "Add response text",
                        "type": "user",
                        "arguments": {
                            "body_text": f"{greeting}, {title.lower()}.",
                            "body_html": f"<div>{greeting}, {title.lower()}.</div>",
                        },
                        "description": None,
                    },
                    {
                        "name": "addTags",
                        "title": "Add tags",
                        "type": "user",
                        "arguments": {"tags": gen.pick(tag_names)},
                        "description": None,
                    },
                ],
                "created_datetime": fmt(created),
                "updated_datetime": fmt(gen.between(created, gen.now)),
                "uri": f"/api/macros/{macro_id}/",
            }
        )
    return macros


def make_rules(gen: Gen) -> list[Obj]:
    """Generate rules; one of them is deactivated."""
    names = (
        "Auto-tag shipping questions",
        "Auto-close spam",
        "Send order status",
        "Assign VIP to tier 2",
        "Tag refunds",
        "After-hours reply",
    )
    rules = []
    for index, name in enumerate(names):
        fmt = gen.formatter()
        created = gen.days_ago(gen.rng.uniform(200, 900))
        rule_id = 7701 + index
        rules.append(
            {
                "id": rule_id,
                "name": name,
                "description": None if index % 2 else f"{name} automatically",
                "code": RULE_CODE,
                "code_ast": {"type": "Program", "body": []},
                "event_types": gen.pick(
                    (
                        "ticket-created",
                        "ticket-created,ticket-message-created",
                        "ticket-updated",
                        "satisfaction-survey-responded",
                    )
                ),
                "priority": 100 - index * 10,
                "deactivated_datetime": fmt(gen.days_ago(40)) if index == 5 else None,
                "created_datetime": fmt(created),
                "updated_datetime": fmt(created),
                "uri": f"/api/rules/{rule_id}/",
            }
        )
    return rules


def make_integrations(gen: Gen, owner_id: int) -> list[Obj]:
    """Generate the account's non-HTTP integrations: Shopify, email and chat."""
    specs = (
        (SHOPIFY_INTEGRATION_ID, "shopify", "Example Store"),
        (EMAIL_INTEGRATION_ID, "email", "support@example.com"),
        (66570, "gorgias_chat", "Website chat"),
    )
    integrations = []
    for integration_id, kind, name in specs:
        fmt = gen.formatter()
        created = gen.days_ago(gen.rng.uniform(900, 1500))
        integrations.append(
            {
                "id": integration_id,
                "type": kind,
                "name": name,
                "description": None,
                "http": None,
                "created_datetime": fmt(created),
                "updated_datetime": fmt(created),
                "deactivated_datetime": None,
                "user": {"id": owner_id},
                "uri": f"/api/integrations/{integration_id}/",
                "application_id": None,
                "managed": kind != "http",
            }
        )
    return integrations
