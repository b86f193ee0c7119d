"""Parse and apply contact writes: `POST /v3/contacts`, `PUT /v3/contacts/{id}`.

Rules the sandbox enforces (from Brevo's documentation and observed errors):

- A new contact needs an email, an ext_id or an `SMS` attribute, else 400
  `missing_parameter`.
- An email, ext_id or SMS already owned by another contact fails the whole
  request with 400 and `metadata.duplicate_identifiers`. Without
  `updateEnabled`, `POST` on an existing contact is such a clash.
- With `updateEnabled`, the request's first identifier among email, ext_id
  and SMS picks the contact to update. When no contact owns it, a contact is
  created. Any other identifier of the request owned by a different contact
  is a clash, because `forceMerge` is not simulated. Brevo does not document
  this order, but it reproduces the observed "SMS is already associated"
  error when a new email comes with a known phone number.
- An invalid SMS fails the whole request with "Invalid phone number".
- Unknown attributes and values of the wrong type are dropped silently.
- `listIds` or `unlinkListIds` naming a list that does not exist fail with 400
  `invalid_parameter`. Brevo does not document this case, and the sandbox
  rejects it so that a misconfigured list id shows up in tests.
- Emails must look like `local@domain.tld`, else 400 "Invalid email address".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tajo.sandbox.brevo.apierror import (
    INVALID_PHONE,
    duplicate_identifiers,
    invalid,
    missing,
)
from tajo.sandbox.brevo.catalogue import CLEAR, DROP, AttributeCatalogue
from tajo.sandbox.brevo.contacts import Contact, ContactStore
from tajo.sandbox.brevo.phones import normalise_sms

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_IDENTIFIER_ORDER = ("email", "ext_id", "SMS")

CREATE_FIELDS = frozenset(
    {
        "email",
        "ext_id",
        "attributes",
        "emailBlacklisted",
        "smsBlacklisted",
        "listIds",
        "unlinkListIds",
        "updateEnabled",
        "smtpBlacklistSender",
        "forceMerge",
        "getId",
    }
)
UPDATE_FIELDS = frozenset(
    {
        "ext_id",
        "attributes",
        "emailBlacklisted",
        "smsBlacklisted",
        "listIds",
        "unlinkListIds",
        "smtpBlacklistSender",
        "forceMerge",
    }
)


@dataclass(slots=True)
class ContactWrite:
    """A validated write. Identifier fields are None when the body omits them.

    `clear_sms` is set when the body sends an empty SMS, which frees it.
    """

    email: str | None = None
    ext_id: str | None = None
    sms: str | None = None
    clear_sms: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)
    list_ids: list[int] = field(default_factory=list)
    unlink_list_ids: list[int] = field(default_factory=list)
    email_blacklisted: bool | None = None
    sms_blacklisted: bool | None = None

    def identifiers(self) -> dict[str, str]:
        """Return the identifiers this write sets, keyed by Brevo's names."""
        found: dict[str, str] = {}
        if self.email is not None:
            found["email"] = self.email
        if self.ext_id is not None:
            found["ext_id"] = self.ext_id
        if self.sms is not None:
            found["SMS"] = self.sms
        return found


def parse_email(value: Any) -> str:
    """Return the stored (lower-case) form of an email.

    Raises:
        ApiError: 400 when it is not a string shaped like an address.
    """
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise invalid("Invalid email address")
    return value.strip().lower()


def parse_write(
    body: dict[str, Any],
    catalogue: AttributeCatalogue,
    known_lists: set[int],
    *,
    allowed: frozenset[str],
    strict_fields: bool,
) -> ContactWrite:
    """Validate a contact body and drop what Brevo drops silently.

    `EMAIL` inside `attributes` changes the email. It is honoured only when
    `allowed` is the update field set, as Brevo documents it for `PUT`.

    Raises:
        ApiError: 400 for a bad field type, email, phone or list id, and for
            unknown top-level fields when `strict_fields` is on.
    """
    if strict_fields:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise invalid(
                f"Unknown field: {unknown[0]}; check its spelling (strict_fields is on)"
            )
    write = ContactWrite()
    if "email" in allowed and body.get("email") is not None:
        write.email = parse_email(body["email"])
    ext_id = body.get("ext_id")
    if ext_id is not None:
        if not isinstance(ext_id, str) or not ext_id:
            raise invalid("ext_id should be a non-empty string")
        write.ext_id = ext_id
    _parse_attributes(write, body.get("attributes"), catalogue, allowed=allowed)
    write.list_ids = _parse_list_ids(body, "listIds", known_lists)
    write.unlink_list_ids = _parse_list_ids(body, "unlinkListIds", known_lists)
    write.email_blacklisted = _parse_flag(body, "emailBlacklisted")
    write.sms_blacklisted = _parse_flag(body, "smsBlacklisted")
    return write


def _parse_attributes(
    write: ContactWrite,
    raw: Any,
    catalogue: AttributeCatalogue,
    *,
    allowed: frozenset[str],
) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise invalid("attributes should be an object")
    for name, value in raw.items():
        if name == "SMS":
            _parse_sms(write, value)
        elif name == "EMAIL" and "email" not in allowed:
            if isinstance(value, str):
                write.email = parse_email(value)
        else:
            coerced = catalogue.coerce(name, value)
            if coerced is not DROP:
                write.attributes[name] = coerced


def _parse_sms(write: ContactWrite, value: Any) -> None:
    if value is None or value == "":
        write.clear_sms = True
        return
    if not isinstance(value, str):
        # SMS is a text attribute: a JSON number is a type mismatch, dropped.
        return
    digits = normalise_sms(value)
    if digits is None:
        raise invalid(INVALID_PHONE)
    write.sms = digits


def _parse_list_ids(body: dict[str, Any], key: str, known: set[int]) -> list[int]:
    raw = body.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in raw
    ):
        raise invalid(f"{key} should be an array of integers")
    for list_id in raw:
        if list_id not in known:
            raise invalid(f"Invalid {key}: list {list_id} does not exist")
    return list(raw)


def _parse_flag(body: dict[str, Any], key: str) -> bool | None:
    raw = body.get(key)
    if raw is None:
        return None
    if not isinstance(raw, bool):
        raise invalid(f"{key} should be a boolean")
    return raw


def owners(store: ContactStore, write: ContactWrite) -> dict[str, Contact]:
    """Return the existing contact owning each identifier of `write`."""
    found: dict[str, Contact] = {}
    if write.email is not None and (hit := store.find_email(write.email)):
        found["email"] = hit
    if write.ext_id is not None and (hit := store.find_ext_id(write.ext_id)):
        found["ext_id"] = hit
    if write.sms is not None and (hit := store.find_sms(write.sms)):
        found["SMS"] = hit
    return found


def pick_target(write: ContactWrite, found: dict[str, Contact]) -> Contact | None:
    """Return the contact an upsert updates, or None to create one.

    The request's first identifier among email, ext_id and SMS decides. So an
    upsert with a new email and an SMS owned by someone else tries to create a
    contact and fails on the SMS, which is the clash Brevo reports.
    """
    present = write.identifiers()
    for kind in _IDENTIFIER_ORDER:
        if kind in present:
            return found.get(kind)
    return None


def clashes(found: dict[str, Contact], target: Contact | None) -> list[str]:
    """Return identifier kinds owned by a contact other than `target`."""
    return [
        kind
        for kind in _IDENTIFIER_ORDER
        if kind in found and (target is None or found[kind].id != target.id)
    ]


def upsert(
    store: ContactStore,
    write: ContactWrite,
    *,
    update_enabled: bool,
    now: datetime,
    sms_conflict_code: str,
) -> int | None:
    """Create a contact (returns its id) or update the matched one (None).

    Raises:
        ApiError: 400 `missing_parameter` without identifiers, 400 for an
            identifier clash.
    """
    if not write.identifiers():
        raise missing("Please provide Email or SMS attribute value to create user")
    found = owners(store, write)
    target = pick_target(write, found) if update_enabled else None
    clashing = clashes(found, target)
    if clashing:
        verb = "update" if target is not None else "create"
        raise duplicate_identifiers(
            clashing, verb=verb, sms_conflict_code=sms_conflict_code
        )
    if target is not None:
        apply_write(store, target, write, now=now)
        return None
    contact = Contact(id=store.allocate_id(), created_at=now, modified_at=now)
    store.add(contact)
    apply_write(store, contact, write, now=now)
    return contact.id


def update(
    store: ContactStore,
    contact: Contact,
    write: ContactWrite,
    *,
    now: datetime,
    sms_conflict_code: str,
) -> None:
    """Apply a `PUT` to a known contact.

    Raises:
        ApiError: 400 when a new identifier belongs to another contact.
    """
    clashing = clashes(owners(store, write), contact)
    if clashing:
        raise duplicate_identifiers(
            clashing, verb="update", sms_conflict_code=sms_conflict_code
        )
    apply_write(store, contact, write, now=now)


def apply_write(
    store: ContactStore, contact: Contact, write: ContactWrite, *, now: datetime
) -> None:
    """Apply a validated, clash-free write to `contact`."""
    sms = None if write.clear_sms else (write.sms or contact.sms)
    store.set_identifiers(
        contact,
        email=write.email or contact.email,
        ext_id=write.ext_id or contact.ext_id,
        sms=sms,
    )
    for name, value in write.attributes.items():
        if value is CLEAR:
            contact.attributes.pop(name, None)
        else:
            contact.attributes[name] = value
    contact.list_ids.update(write.list_ids)
    contact.list_ids.difference_update(write.unlink_list_ids)
    if write.email_blacklisted is not None:
        contact.email_blacklisted = write.email_blacklisted
    if write.sms_blacklisted is not None:
        contact.sms_blacklisted = write.sms_blacklisted
    contact.modified_at = now
