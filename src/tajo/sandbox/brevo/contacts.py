"""Contacts and their unique identifiers.

Every identifier is unique across contacts, as in Brevo: the email compared
case-insensitively (the sandbox stores it in lower case), the SMS compared as
normalised digits, and the ext_id compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tajo.sandbox.brevo.apierror import CONTACT_NOT_FOUND, invalid, not_found
from tajo.sandbox.brevo.phones import normalise_sms

IDENTIFIER_TYPES = (
    "email_id",
    "contact_id",
    "ext_id",
    "phone_id",
    "whatsapp_id",
    "landline_number_id",
)


def format_instant(instant: datetime) -> str:
    """Format an aware datetime as Brevo does: UTC, whole seconds, `Z`."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class Contact:
    """One stored contact. `sms` contains digits with the country code, no `+`."""

    id: int
    created_at: datetime
    modified_at: datetime
    email: str | None = None
    ext_id: str | None = None
    sms: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    list_ids: set[int] = field(default_factory=set)
    email_blacklisted: bool = False
    sms_blacklisted: bool = False

    def to_api(self) -> dict[str, Any]:
        """Return the body of `GET /v3/contacts/{identifier}`.

        SMS and EXT_ID appear inside `attributes`, and `email` is absent for
        a contact without one. Statistics are always empty in the sandbox.
        """
        body: dict[str, Any] = {}
        if self.email is not None:
            body["email"] = self.email
        body["id"] = self.id
        body["emailBlacklisted"] = self.email_blacklisted
        body["smsBlacklisted"] = self.sms_blacklisted
        body["createdAt"] = format_instant(self.created_at)
        body["modifiedAt"] = format_instant(self.modified_at)
        body["attributes"] = self.api_attributes()
        body["listIds"] = sorted(self.list_ids)
        body["listUnsubscribed"] = []
        body["statistics"] = {}
        return body

    def api_attributes(self) -> dict[str, Any]:
        """Return the attributes with the SMS and EXT_ID identifiers merged in."""
        merged = dict(self.attributes)
        if self.sms is not None:
            merged["SMS"] = self.sms
        if self.ext_id is not None:
            merged["EXT_ID"] = self.ext_id
        return merged

    def to_state(self) -> dict[str, Any]:
        """Return the contact for the sandbox state dump."""
        return {
            "id": self.id,
            "email": self.email,
            "ext_id": self.ext_id,
            "attributes": self.api_attributes(),
            "listIds": sorted(self.list_ids),
            "emailBlacklisted": self.email_blacklisted,
            "smsBlacklisted": self.sms_blacklisted,
            "createdAt": format_instant(self.created_at),
            "modifiedAt": format_instant(self.modified_at),
        }


@dataclass(slots=True)
class ContactStore:
    """Contacts by id, with one index per unique identifier."""

    by_id: dict[int, Contact] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_ext_id: dict[str, int] = field(default_factory=dict)
    by_sms: dict[str, int] = field(default_factory=dict)
    next_id: int = 1

    def add(self, contact: Contact) -> None:
        """Store a new contact whose identifiers are known to be free."""
        self.by_id[contact.id] = contact
        self.next_id = max(self.next_id, contact.id + 1)
        self._index(contact)

    def allocate_id(self) -> int:
        """Return the id for the next new contact."""
        return self.next_id

    def remove(self, contact: Contact) -> None:
        """Delete a contact and free its identifiers."""
        self._unindex(contact)
        del self.by_id[contact.id]

    def set_identifiers(
        self,
        contact: Contact,
        *,
        email: str | None,
        ext_id: str | None,
        sms: str | None,
    ) -> None:
        """Change a contact's identifiers and keep the indexes in step."""
        self._unindex(contact)
        contact.email = email
        contact.ext_id = ext_id
        contact.sms = sms
        self._index(contact)

    def find_email(self, email: str) -> Contact | None:
        """Return the contact with this email (any letter case)."""
        contact_id = self.by_email.get(email.strip().lower())
        return None if contact_id is None else self.by_id[contact_id]

    def find_ext_id(self, ext_id: str) -> Contact | None:
        """Return the contact with this ext_id."""
        contact_id = self.by_ext_id.get(ext_id)
        return None if contact_id is None else self.by_id[contact_id]

    def find_sms(self, digits: str) -> Contact | None:
        """Return the contact whose SMS has these normalised digits."""
        contact_id = self.by_sms.get(digits)
        return None if contact_id is None else self.by_id[contact_id]

    def find_phone(self, phone: str) -> Contact | None:
        """Return the contact with this phone number in any accepted spelling."""
        digits = normalise_sms(phone)
        return None if digits is None else self.find_sms(digits)

    def find_id(self, raw: str | int) -> Contact | None:
        """Return the contact with this numeric id."""
        if isinstance(raw, str):
            if not raw.isdigit():
                return None
            raw = int(raw)
        return self.by_id.get(raw)

    def resolve(
        self, identifier: str, identifier_type: str | None, *, read: bool
    ) -> Contact:
        """Find the contact named in a `/v3/contacts/{identifier}` path.

        Without `identifierType`, Brevo recognises an email or a contact id,
        and on reads also a phone number. The sandbox takes digits as an id
        first and, on reads, as a phone number when no contact has that id.

        Raises:
            ApiError: 400 for an unknown identifierType, 404 when no contact
                matches.
        """
        found: Contact | None
        if identifier_type is None:
            found = self._resolve_untyped(identifier, read=read)
        elif identifier_type == "email_id":
            found = self.find_email(identifier)
        elif identifier_type == "contact_id":
            found = self.find_id(identifier)
        elif identifier_type == "ext_id":
            found = self.find_ext_id(identifier)
        elif identifier_type == "phone_id":
            found = self.find_phone(identifier)
        elif identifier_type in IDENTIFIER_TYPES:
            # WhatsApp and landline identifiers are not simulated.
            found = None
        else:
            raise invalid(
                f"Invalid identifierType: {identifier_type!r}; expected one of "
                + ", ".join(IDENTIFIER_TYPES)
            )
        if found is None:
            raise not_found(CONTACT_NOT_FOUND)
        return found

    def _resolve_untyped(self, identifier: str, *, read: bool) -> Contact | None:
        if "@" in identifier:
            return self.find_email(identifier)
        if identifier.isdigit():
            by_id = self.find_id(identifier)
            if by_id is not None or not read:
                return by_id
        if read and identifier.startswith("+"):
            return self.find_phone(identifier)
        if read and identifier.isdigit():
            return self.find_phone(identifier)
        return None

    def _index(self, contact: Contact) -> None:
        if contact.email is not None:
            self.by_email[contact.email] = contact.id
        if contact.ext_id is not None:
            self.by_ext_id[contact.ext_id] = contact.id
        if contact.sms is not None:
            self.by_sms[contact.sms] = contact.id

    def _unindex(self, contact: Contact) -> None:
        if contact.email is not None:
            self.by_email.pop(contact.email, None)
        if contact.ext_id is not None:
            self.by_ext_id.pop(contact.ext_id, None)
        if contact.sms is not None:
            self.by_sms.pop(contact.sms, None)
