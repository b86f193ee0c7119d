"""Explanations of skip reasons, each with the setting that changes it.

The reasons are the codes that the planner and the sync count. A reason
without an explanation here is still printed, with its code only.
"""

from __future__ import annotations

_KEEP_WITHOUT_EMAIL = (
    "set connectors.gorgias.identity.policy: email_then_sms_then_ext_id to "
    "keep them in Brevo under an ext_id"
)

SKIP_HINTS: dict[str, str] = {
    "no_email_or_phone": (
        "customers with neither a usable email nor a phone number; "
        + _KEEP_WITHOUT_EMAIL
    ),
    "no_email": (
        "customers without a usable email (identity.policy email_only); use "
        "email_then_sms with phone_region, or email_then_sms_then_ext_id"
    ),
    "phone_needs_region": (
        "phone numbers written without a country code; set "
        "connectors.gorgias.phone_region (such as US) so they can become SMS"
    ),
    "sms_shared": (
        "customers whose phone number another customer holds; Brevo allows one "
        "contact per SMS number, so the lowest customer id keeps it and the "
        "others are written without SMS"
    ),
    "event_without_contact": (
        "transitions of customers that are not written to Brevo (see the other "
        "reasons); these events are dropped, not kept: once the customer is "
        "written, only their later transitions become events"
    ),
    "event_without_identifier": (
        "events of contacts Brevo knows by no identifier an event accepts"
    ),
    "attribute_value_dropped": (
        "values that do not fit their Brevo attribute's type; run `tajo "
        "connectors test gorgias` to see which attribute"
    ),
    "ticket_spam": "spam tickets: counted for nothing, no event",
    "ticket_trashed": "trashed tickets: counted for nothing, no event",
    "ticket_without_customer": "tickets without a customer: nothing to attach them to",
    "customer_deleted": "customers deleted in Gorgias",
    "customer_merged": "customers merged into another customer in Gorgias",
    "customer_gone": "customers that answered 404 when read again (deleted)",
    "customer_unknown": "customers referenced but never read; a full sync reads them",
    "customer_event_without_id": "customer events that name no customer",
    "customer_event_unknown_customer": "customer events of customers never read",
    "survey_gone": "surveys that answered 404 when read again",
    "trigger_too_old": (
        "campaign triggers not fired: the transition is older than the "
        "trigger's max_age_hours"
    ),
    "trigger_no_email": "template emails not sent: the customer has no email",
    "invalid_record": (
        "records that could not be read (see `tajo connectors failed gorgias`)"
    ),
}

TAGS_HINT = (
    "Gorgias keeps tags on tickets, not customers: a customer's tags are the "
    "tags of their tickets (plus Shopify customer tags); tag lists follow them."
)

# Below this much waiting, the rate limit did not make the run slow.
_THROTTLE_NOTE_SECONDS = 5.0


def skip_hint(reason: str) -> str:
    """Return the explanation of a skip reason, or an empty string."""
    return SKIP_HINTS.get(reason, "")


def throttle_hint(throttled_seconds: float, gorgias_requests: int) -> str:
    """Explain time spent waiting for rate limits, or return ''.

    Gorgias allows 40 requests per 20 s per account, shared with its other
    apps, so a large first sync is slow by design.
    """
    if throttled_seconds < _THROTTLE_NOTE_SECONDS:
        return ""
    return (
        f"the run waited {throttled_seconds:.0f} s for rate limits over "
        f"{gorgias_requests} Gorgias requests; Gorgias allows 40 requests per "
        "20 s per account (shared with its other apps), so a first sync of a "
        "large account is slow by design; later incremental syncs read only "
        "what changed, and `sync` shows an ETA from the previous run"
    )
