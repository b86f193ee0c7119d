"""Typed requests and results of the Brevo client.

Field comments state the Brevo API behavior each field encodes. The module has
no HTTP code, so the planner can build these values without importing httpx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from tajo.brevo.attributes import AttributeValue
from tajo.errors import IdentifierConflictError, InvalidPhoneError

# Kind of identifier in the path of `GET` and `PUT /contacts/{identifier}`.
IdentifierType = Literal[
    "email_id", "contact_id", "ext_id", "phone_id", "whatsapp_id", "landline_number_id"
]
# The body key of a list add or remove call: one kind of identifier per call.
MemberKind = Literal["emails", "ids", "extIds"]

SMS_ATTRIBUTE = "SMS"


@dataclass(frozen=True, slots=True)
class ContactUpsert:
    """One contact for `POST /contacts` with `updateEnabled: true`.

    Brevo matches an existing contact on any identifier given, and a request
    whose identifiers belong to two different contacts fails as a whole.
    """

    email: str | None = None
    ext_id: str | None = None
    # E.164; Brevo reads it from the `SMS` attribute and rejects numbers
    # without a country code.
    sms: str | None = None
    # Values already cast to the catalogue's types.
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    # Lists to add the contact to; existing memberships are kept.
    list_ids: tuple[int, ...] = ()

    def without_sms(self) -> ContactUpsert:
        """Return a copy that sends no SMS value at all."""
        attributes = {
            name: value
            for name, value in self.attributes.items()
            if name.upper() != SMS_ATTRIBUTE
        }
        return ContactUpsert(
            email=self.email,
            ext_id=self.ext_id,
            sms=None,
            attributes=attributes,
            list_ids=self.list_ids,
        )

    def has_sms(self) -> bool:
        return self.sms is not None or any(
            name.upper() == SMS_ATTRIBUTE for name in self.attributes
        )


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Outcome of one upsert.

    Brevo returns the id only when it created the contact (201); an update
    returns 204 without a body, so `contact_id` is None then.
    """

    created: bool
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class SmsFallbackResult:
    """Outcome of an upsert that may have been retried once without the SMS.

    `sms_rejection` is the error of the first attempt when the SMS value was
    dropped, so the caller can record the conflict or the invalid number.
    """

    result: UpsertResult
    sms_rejection: IdentifierConflictError | InvalidPhoneError | None = None

    @property
    def sms_dropped(self) -> bool:
        return self.sms_rejection is not None


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact as `GET /contacts/{identifier}` returns it.

    Brevo returns the SMS attribute as digits without the leading `+`.
    """

    id: int
    email: str | None
    attributes: Mapping[str, object]
    list_ids: tuple[int, ...]
    email_blacklisted: bool = False
    sms_blacklisted: bool = False


@dataclass(frozen=True, slots=True)
class ListMembershipResult:
    """Per-identifier outcome of adding to or removing from one list.

    Brevo does not tell "already in the list" apart from "no such contact":
    both land in `unchanged`. For an add, "already in the list" is the desired
    state, so `unchanged` counts as success. `failed` maps identifiers whose
    chunk failed for another reason to that reason.
    """

    list_id: int
    changed: tuple[str | int, ...] = ()
    unchanged: tuple[str | int, ...] = ()
    failed: Mapping[str | int, str] = field(default_factory=dict)
    calls: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True, slots=True)
class ImportContact:
    """One row of `POST /contacts/import`.

    The import endpoint takes identifiers other than email as attributes
    (`SMS`, `EXT_ID`).
    """

    email: str | None = None
    ext_id: str | None = None
    sms: str | None = None
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """Return the row as the `jsonBody` item Brevo expects."""
        attributes: dict[str, object] = dict(self.attributes)
        if self.sms is not None:
            attributes[SMS_ATTRIBUTE] = self.sms
        if self.ext_id is not None:
            attributes["EXT_ID"] = self.ext_id
        row: dict[str, object] = {}
        if self.email is not None:
            row["email"] = self.email
        row["attributes"] = attributes
        return row


@dataclass(frozen=True, slots=True)
class ImportResult:
    """One import request (a chunk of rows) and its finished process.

    `report` is the process's `info.import`: URLs of CSV reports listing rows
    Brevo rejected (invalid emails, duplicate identifiers), or null entries.
    """

    process_id: int
    status: str
    rows: int
    body_bytes: int
    polls: int
    report: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BrevoEvent:
    """One custom event for `POST /events` or an item of `/events/batch`.

    `identifiers` uses Brevo's keys: `email_id`, `ext_id`, `phone_id`,
    `contact_id`, `whatsapp_id`, `landline_number_id`. Without `occurred_at`
    Brevo stamps the event with the time it receives it.
    """

    name: str
    identifiers: Mapping[str, str | int]
    occurred_at: datetime | None = None
    contact_properties: Mapping[str, object] = field(default_factory=dict)
    event_properties: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """Return the request body of this event.

        Raises:
            ValueError: `occurred_at` has no time zone, or there is no identifier.
        """
        if not self.identifiers:
            raise ValueError(
                f"event has no identifier: event_name={self.name!r}; expected at "
                "least one of email_id, ext_id, phone_id or contact_id"
            )
        body: dict[str, object] = {
            "event_name": self.name,
            "identifiers": dict(self.identifiers),
        }
        if self.occurred_at is not None:
            if self.occurred_at.tzinfo is None:
                raise ValueError(
                    f"event date has no time zone: event_name={self.name!r}, "
                    f"occurred_at={self.occurred_at.isoformat()}; expected an aware "
                    "datetime"
                )
            body["event_date"] = self.occurred_at.isoformat()
        if self.contact_properties:
            body["contact_properties"] = dict(self.contact_properties)
        if self.event_properties:
            body["event_properties"] = dict(self.event_properties)
        return body


@dataclass(frozen=True, slots=True)
class BatchEventsResult:
    """Outcome of `POST /events/batch`.

    202 means every event was queued. 207 lists failed events by their index
    in the request, and the other events were queued.
    """

    status: int
    total: int
    failed: Mapping[int, str] = field(default_factory=dict)

    @property
    def accepted(self) -> tuple[int, ...]:
        return tuple(index for index in range(self.total) if index not in self.failed)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True, slots=True)
class Folder:
    """A contact folder."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ContactList:
    """A contact list and the folder it belongs to."""

    id: int
    name: str
    folder_id: int | None = None
    unique_subscribers: int | None = None


@dataclass(frozen=True, slots=True)
class EmailRecipient:
    """A recipient of a transactional email."""

    email: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class BrevoAccount:
    """The parts of `GET /account` that the connector shows."""

    email: str | None
    company_name: str | None
    raw: Mapping[str, object] = field(default_factory=dict)
