"""Choosing a customer's Brevo identifiers under the configured identity policy."""

from __future__ import annotations

from dataclasses import replace

from tajo.brevo.values import Identity, normalize_email, prepare_identity
from tajo.config import SMS_TARGET, GorgiasConfig
from tajo.mapping.facts import CustomerFacts

# Skip reason under the email_only policy.
REASON_NO_EMAIL = "no_email"
# Warning for a local phone number when no phone_region is configured.
REASON_PHONE_NEEDS_REGION = "phone_needs_region"

# NOTE: `prepare_identity` always needs a region. When none is configured, only
# numbers with a country code are passed, and phonenumbers ignores the default
# region for those, so this placeholder never decides a country.
_PLACEHOLDER_REGION = "US"


def plan_identity(customer: CustomerFacts, config: GorgiasConfig) -> Identity:
    """Return the identifiers of a customer, or an Identity that is skipped.

    Email first: the primary email, else the first usable email channel. Then
    SMS from the first phone channel that normalises to E.164, used as the
    identifier when there is no email (policies email_then_sms*), and sent
    alongside the email only when `field_mapping` maps `phone: SMS`. The ext_id
    built from `identity.ext_id_format` is sent on every contact under
    email_then_sms_then_ext_id, which also keeps customers without email or
    phone.
    """
    policy = config.identity.policy
    sms_mapped = config.field_mapping.get("phone") == SMS_TARGET
    use_phones = policy != "email_only" or sms_mapped
    phones, region_warnings = _phones(customer, config) if use_phones else ((), ())
    with_ext_id = policy == "email_then_sms_then_ext_id"

    identity = prepare_identity(
        _email(customer),
        phones,
        config.identity.ext_id(customer.id) if with_ext_id else None,
        policy="ext_id" if with_ext_id else "skip",
        region=config.phone_region or _PLACEHOLDER_REGION,
        use_ext_id=with_ext_id,
    )
    warnings = identity.warnings + region_warnings
    if identity.email is None and policy == "email_only":
        return Identity(None, None, None, REASON_NO_EMAIL, warnings)
    if identity.skipped:
        return replace(identity, warnings=warnings)
    if identity.email is not None and not sms_mapped:
        return replace(identity, sms=None, warnings=warnings)
    return replace(identity, warnings=warnings)


def primary_identifiers(identity: Identity) -> dict[str, str]:
    """Return the one identifier events are sent with, in `POST /events` form.

    Only one is sent: when an SMS was dropped from the contact because another
    contact owns it, an event keyed on that SMS would land on the other
    contact. The order is email, then ext_id, then SMS.
    """
    if identity.email is not None:
        return {"email_id": identity.email}
    if identity.ext_id is not None:
        return {"ext_id": identity.ext_id}
    if identity.sms is not None:
        return {"phone_id": identity.sms}
    return {}


def customer_email(customer: CustomerFacts) -> str | None:
    """Return the customer's normalised email, or None when none is usable.

    Gorgias's primary email can be null while an email channel exists, so the
    email channels are tried after it, in order.
    """
    return normalize_email(_email(customer)).value


def _email(customer: CustomerFacts) -> str | None:
    candidates = [customer.email, *customer.emails]
    for candidate in candidates:
        if normalize_email(candidate).usable:
            return candidate
    return customer.email


def _phones(
    customer: CustomerFacts, config: GorgiasConfig
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if config.phone_region is not None:
        return customer.phones, ()
    international: list[str] = []
    warnings: list[str] = []
    for phone in customer.phones:
        text = phone.strip()
        if text.startswith("+"):
            international.append(text)
        elif text.startswith("00"):
            international.append("+" + text[2:])
        elif text:
            warnings.append(f"{REASON_PHONE_NEEDS_REGION}:{phone}")
    return tuple(international), tuple(warnings)
