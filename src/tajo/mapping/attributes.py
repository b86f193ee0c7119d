"""Contact attribute values from `field_mapping`, and the Brevo types they need.

Values are plain JSON-ready Python values: text, floats (Brevo has no integer
type, so counts are floats), booleans and dates as `YYYY-MM-DD` strings in the
configured time zone. A value that is unknown is None; the writer does not
send it, so tajo never blanks an attribute in Brevo.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from tajo.brevo.values import Identity, normalize_phone
from tajo.config import (
    BUILTIN_FIELD_TYPES,
    EMAIL_TARGET,
    SMS_TARGET,
    AttributeType,
    GorgiasConfig,
    is_custom_field,
)
from tajo.mapping.facts import CustomerFacts
from tajo.mapping.metrics import SupportMetrics

PlanValue = str | float | bool | None
"""An attribute value in a plan; None means unknown and is not sent."""

# Gorgias custom field data types and the Brevo type that stores each.
_CUSTOM_FIELD_TYPES: dict[str, AttributeType] = {
    "number": "float",
    "boolean": "boolean",
    "text": "text",
}


def required_attributes(
    field_mapping: Mapping[str, str],
    *,
    custom_field_types: Mapping[str, str] | None = None,
) -> dict[str, AttributeType]:
    """Return the Brevo attributes a mapping writes, with the type to create.

    `custom_field_types` maps custom field keys to the Gorgias `data_type` of
    their definition (text, number or boolean). A custom field without a known
    type, or with another type, is created as text. The `email` and `SMS`
    targets are identifiers that exist in every Brevo account, so they are
    left out.
    """
    known = custom_field_types or {}
    required: dict[str, AttributeType] = {}
    for key, target in field_mapping.items():
        if target in (EMAIL_TARGET, SMS_TARGET):
            continue
        if is_custom_field(key):
            data_type = str(known.get(key, "text")).lower()
            required[target] = _CUSTOM_FIELD_TYPES.get(data_type, "text")
        else:
            required[target] = BUILTIN_FIELD_TYPES[key]
    return required


def attribute_values(
    customer: CustomerFacts,
    metrics: SupportMetrics,
    tags: tuple[str, ...],
    *,
    identity: Identity,
    config: GorgiasConfig,
) -> dict[str, PlanValue]:
    """Return the attribute values of one contact, keyed by Brevo attribute name.

    The `email` and `SMS` targets are carried by the identity, not here.
    """
    sources = _builtin_values(customer, metrics, tags, identity=identity, config=config)
    values: dict[str, PlanValue] = {}
    for key, target in config.field_mapping.items():
        if target in (EMAIL_TARGET, SMS_TARGET):
            continue
        if is_custom_field(key):
            values[target] = _custom_value(customer.custom_fields.get(key))
        else:
            values[target] = sources[key]
    return values


def _builtin_values(
    customer: CustomerFacts,
    metrics: SupportMetrics,
    tags: tuple[str, ...],
    *,
    identity: Identity,
    config: GorgiasConfig,
) -> dict[str, PlanValue]:
    return {
        "id": str(customer.id),
        "email": identity.email,
        "name": _text(customer.name) or _full_name(customer),
        "firstname": _text(customer.firstname),
        "lastname": _text(customer.lastname),
        "phone": _phone_text(customer, identity, config),
        "external_id": _text(customer.external_id),
        "tags": ", ".join(tags) if tags else None,
        "nb_tickets": float(metrics.ticket_count),
        "open_tickets": float(metrics.open_ticket_count),
        "last_ticket_date": _date(metrics.last_ticket_at, config.timezone),
        "last_ticket_channel": metrics.last_ticket_channel,
        "avg_response_time": metrics.avg_response_minutes,
        "last_satisfaction_score": _float(metrics.last_csat_score),
        "satisfaction_count": float(metrics.csat_responses),
        "shopify.orders_count": _number(customer.shopify.get("orders_count")),
        "shopify.total_spent": _number(customer.shopify.get("total_spent")),
    }


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    return text or None


def _full_name(customer: CustomerFacts) -> str | None:
    parts = [_text(customer.firstname), _text(customer.lastname)]
    joined = " ".join(part for part in parts if part)
    return joined or None


def _phone_text(
    customer: CustomerFacts, identity: Identity, config: GorgiasConfig
) -> str | None:
    # A phone mapped to an ordinary text attribute is E.164 when possible, else
    # the number as stored in Gorgias.
    if identity.sms is not None:
        return identity.sms
    for phone in customer.phones:
        if config.phone_region is not None:
            normalized = normalize_phone(phone, config.phone_region)
            if normalized.value is not None:
                return normalized.value
    return next((text for phone in customer.phones if (text := phone.strip())), None)


def _date(value: datetime | None, timezone: str) -> str | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(timezone)).date().isoformat()


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


def _number(value: object) -> float | None:
    # Shopify amounts arrive as strings such as "12.50".
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return float(number) if number.is_finite() else None


def _custom_value(value: object) -> PlanValue:
    if value is None or isinstance(value, bool | str):
        return _text(value) if isinstance(value, str) else value
    if isinstance(value, int | float):
        return float(value)
    return str(value)
