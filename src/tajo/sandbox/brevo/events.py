"""Custom events: `POST /v3/events` and `POST /v3/events/batch`.

Validation follows Brevo's reference for the event item:

- `event_name`: required string of at most 255 letters, digits, `-` or `_`.
- `identifiers`: required object with at least one of `contact_id` (integer),
  `email_id`, `ext_id`, `phone_id`, `whatsapp_id`, `landline_number_id`
  (strings). Other keys are rejected. `email_id` must look like an email and
  `phone_id` must pass the SMS rule of `phones.py`.
- `event_date`: optional ISO 8601 date-time with an offset (`Z` included).
  A date-time without offset is rejected rather than guessed.
- `contact_properties`: optional object of string, integer or boolean values.
- `event_properties`: optional object; keys follow the `event_name` rule,
  values are anything but `null`, and the JSON is at most 50 KB.

The contact is chosen by `contact_id`, then email, ext_id, then phone.
NOTE: Brevo does not document what happens when no contact matches. The
sandbox records the event without a contact and creates none, and
`contact_properties` are then not applied anywhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tajo.sandbox.brevo.apierror import (
    INVALID_PARAMETER,
    INVALID_PHONE,
    MISSING_PARAMETER,
    ApiError,
)
from tajo.sandbox.brevo.catalogue import CLEAR, DROP, AttributeCatalogue
from tajo.sandbox.brevo.contact_writes import parse_email
from tajo.sandbox.brevo.contacts import Contact, ContactStore, format_instant
from tajo.sandbox.brevo.phones import normalise_sms

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_NAME_MAX_CHARS = 255
_PROPERTIES_MAX_BYTES = 50 * 1024
_STRING_IDENTIFIERS = (
    "email_id",
    "ext_id",
    "phone_id",
    "whatsapp_id",
    "landline_number_id",
)
_ALL_IDENTIFIERS = ("contact_id", *_STRING_IDENTIFIERS)
# Identifiers are not attributes: an event must not move them.
_PROTECTED_PROPERTIES = frozenset({"SMS", "EMAIL", "EXT_ID"})


@dataclass(slots=True)
class EventRecord:
    """One accepted event, in arrival order."""

    event_name: str
    event_date: str
    identifiers: dict[str, Any]
    contact_properties: dict[str, Any] = field(default_factory=dict)
    event_properties: dict[str, Any] = field(default_factory=dict)
    contact_id: int | None = None
    received_at: str = ""

    def to_state(self) -> dict[str, Any]:
        """Return the event for the sandbox state dump."""
        return {
            "event_name": self.event_name,
            "event_date": self.event_date,
            "identifiers": dict(self.identifiers),
            "contact_properties": dict(self.contact_properties),
            "event_properties": dict(self.event_properties),
            "contact_id": self.contact_id,
            "received_at": self.received_at,
        }


def check_event(raw: Any) -> ApiError | None:
    """Return the 400 error for an invalid event item, or None when valid."""
    if not isinstance(raw, dict):
        return _bad("each event should be an object")
    return (
        _check_name(raw.get("event_name"))
        or _check_identifiers(raw.get("identifiers"))
        or _check_date(raw.get("event_date"))
        or _check_contact_properties(raw.get("contact_properties"))
        or _check_event_properties(raw.get("event_properties"))
    )


def _bad(message: str, code: str = INVALID_PARAMETER) -> ApiError:
    return ApiError(400, code, message)


def _check_name(name: Any) -> ApiError | None:
    if name is None:
        return _bad("event_name is required", MISSING_PARAMETER)
    if not isinstance(name, str) or not name:
        return _bad("event_name should be a non-empty string")
    if len(name) > _NAME_MAX_CHARS:
        return _bad("event_name is longer than 255 characters")
    if not _NAME.fullmatch(name):
        return _bad("event_name contains invalid characters")
    return None


def _check_identifiers(identifiers: Any) -> ApiError | None:
    if identifiers is None:
        return _bad("identifiers is required", MISSING_PARAMETER)
    if not isinstance(identifiers, dict) or not identifiers:
        return _bad(
            "identifiers should be an object with at least one of "
            + ", ".join(_ALL_IDENTIFIERS)
        )
    for key, value in identifiers.items():
        if key not in _ALL_IDENTIFIERS:
            return _bad(f"identifiers.{key} is not a supported identifier")
        if key == "contact_id":
            if isinstance(value, bool) or not isinstance(value, int):
                return _bad("identifiers.contact_id should be an integer")
        elif not isinstance(value, str) or not value:
            return _bad(f"identifiers.{key} should be a non-empty string")
    if "email_id" in identifiers:
        try:
            parse_email(identifiers["email_id"])
        except ApiError as error:
            return error
    if "phone_id" in identifiers and normalise_sms(identifiers["phone_id"]) is None:
        return _bad(INVALID_PHONE)
    return None


def _check_date(value: Any) -> ApiError | None:
    if value is None:
        return None
    problem = _bad(
        "event_date should be an ISO 8601 date-time with an offset, "
        "such as 2024-01-24T17:39:57+01:00"
    )
    if not isinstance(value, str) or "T" not in value:
        return problem
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return problem
    return problem if parsed.tzinfo is None else None


def _check_contact_properties(value: Any) -> ApiError | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        return _bad("contact_properties should be an object")
    for key, item in value.items():
        if not isinstance(item, str | int):
            return _bad(
                f"contact_properties.{key} should be a string, integer or boolean"
            )
    return None


def _check_event_properties(value: Any) -> ApiError | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        return _bad("event_properties should be an object")
    for key, item in value.items():
        if len(key) > _NAME_MAX_CHARS or not _NAME.fullmatch(key):
            return _bad(
                f"event_properties key {key!r} should be at most 255 letters, "
                "digits, - or _"
            )
        if item is None:
            return _bad(f"event_properties.{key} should not be null")
    size = len(json.dumps(value, separators=(",", ":")).encode())
    if size > _PROPERTIES_MAX_BYTES:
        return _bad(f"event_properties are {size} bytes; at most 50 KB is allowed")
    return None


def record_event(
    raw: dict[str, Any],
    store: ContactStore,
    catalogue: AttributeCatalogue,
    *,
    now: datetime,
) -> EventRecord:
    """Record a validated event and apply its contact properties."""
    identifiers = dict(raw["identifiers"])
    contact = _match_contact(store, identifiers)
    contact_properties = dict(raw.get("contact_properties") or {})
    if contact is not None:
        _apply_properties(contact, contact_properties, catalogue, now=now)
    received = format_instant(now)
    return EventRecord(
        event_name=raw["event_name"],
        event_date=raw.get("event_date") or received,
        identifiers=identifiers,
        contact_properties=contact_properties,
        event_properties=dict(raw.get("event_properties") or {}),
        contact_id=None if contact is None else contact.id,
        received_at=received,
    )


def _match_contact(store: ContactStore, identifiers: dict[str, Any]) -> Contact | None:
    if "contact_id" in identifiers:
        return store.find_id(identifiers["contact_id"])
    if "email_id" in identifiers and (hit := store.find_email(identifiers["email_id"])):
        return hit
    if "ext_id" in identifiers and (hit := store.find_ext_id(identifiers["ext_id"])):
        return hit
    if "phone_id" in identifiers:
        return store.find_phone(identifiers["phone_id"])
    return None


def _apply_properties(
    contact: Contact,
    properties: dict[str, Any],
    catalogue: AttributeCatalogue,
    *,
    now: datetime,
) -> None:
    changed = False
    for name, value in properties.items():
        if name in _PROTECTED_PROPERTIES:
            continue
        coerced = catalogue.coerce(name, value)
        if coerced is DROP:
            continue
        if coerced is CLEAR:
            contact.attributes.pop(name, None)
        else:
            contact.attributes[name] = coerced
        changed = True
    if changed:
        contact.modified_at = now
