"""Contact and attribute endpoints of the Brevo client."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Literal

from tajo.brevo.attributes import AttributeCatalogue
from tajo.brevo.batching import MAX_IMPORT_BODY_BYTES
from tajo.brevo.classify import is_attribute_exists, is_sms_rejection
from tajo.brevo.imports import get_process, import_contacts
from tajo.brevo.models import (
    SMS_ATTRIBUTE,
    Contact,
    ContactUpsert,
    IdentifierType,
    ImportContact,
    ImportResult,
    SmsFallbackResult,
    UpsertResult,
)
from tajo.brevo.responses import expect_object, optional_id, unexpected
from tajo.brevo.session import BrevoSession, encode_segment
from tajo.clock import Clock
from tajo.errors import IdentifierConflictError, InvalidPhoneError, InvalidRequestError

logger = logging.getLogger(__name__)

AttributeType = Literal[
    "text", "date", "float", "boolean", "id", "category", "multiple-choice", "user"
]


class ContactsApi:
    """Contacts, bulk import and the attribute catalogue (`/contacts/...`)."""

    session: BrevoSession
    _clock: Clock
    _import_poll_seconds: float
    _max_import_polls: int

    async def upsert_contact(self, contact: ContactUpsert) -> UpsertResult:
        """Create or update one contact with `updateEnabled: true`.

        Safe to resend (it converges on the same contact), so 5xx and dropped
        connections are retried.

        Raises:
            ValueError: the contact has no email, ext_id or SMS.
            IdentifierConflictError: an identifier belongs to another contact.
            InvalidPhoneError: Brevo rejected the SMS value.
        """
        response = await self.session.request(
            "POST", "/contacts", body=_upsert_body(contact), idempotent=True
        )
        return UpsertResult(
            created=response.status == 201, contact_id=optional_id(response.data)
        )

    async def upsert_contact_with_sms_fallback(
        self, contact: ContactUpsert
    ) -> SmsFallbackResult:
        """Upsert, and retry once without the SMS when Brevo rejects the SMS.

        Brevo fails the whole call when the SMS belongs to another contact or
        is not a valid number. The contact is then written without it, and
        the rejection is returned so the caller can record the conflict.

        Raises:
            IdentifierConflictError: a conflict on another identifier, such as
                the email, or any conflict on the second attempt.
        """
        try:
            return SmsFallbackResult(await self.upsert_contact(contact))
        except (IdentifierConflictError, InvalidPhoneError) as exc:
            if not contact.has_sms() or not is_sms_rejection(exc):
                raise
            logger.warning(
                "brevo upsert: SMS rejected (status=%s code=%s); retrying once "
                "without SMS",
                exc.status,
                exc.code,
            )
            result = await self.upsert_contact(contact.without_sms())
            return SmsFallbackResult(result, sms_rejection=exc)

    async def update_contact(
        self,
        identifier: str | int,
        *,
        identifier_type: IdentifierType,
        attributes: Mapping[str, object] | None = None,
        list_ids: Sequence[int] = (),
        unlink_list_ids: Sequence[int] = (),
        ext_id: str | None = None,
    ) -> None:
        """Update the existing contact that `identifier` names (`PUT`, retried).

        Raises:
            NotFoundError: no contact has that identifier.
        """
        body: dict[str, object] = {}
        if attributes:
            body["attributes"] = dict(attributes)
        if ext_id is not None:
            body["ext_id"] = ext_id
        if list_ids:
            body["listIds"] = [int(list_id) for list_id in list_ids]
        if unlink_list_ids:
            body["unlinkListIds"] = [int(list_id) for list_id in unlink_list_ids]
        await self.session.request(
            "PUT",
            f"/contacts/{encode_segment(identifier)}",
            params={"identifierType": identifier_type},
            body=body,
        )

    async def get_contact(
        self, identifier: str | int, *, identifier_type: IdentifierType
    ) -> Contact:
        """Return the contact with this email, id, ext_id or phone.

        Raises:
            NotFoundError: no contact has that identifier.
        """
        path = f"/contacts/{encode_segment(identifier)}"
        response = await self.session.request(
            "GET", path, params={"identifierType": identifier_type}
        )
        data = expect_object(response, path)
        contact_id = optional_id(data)
        if contact_id is None:
            raise unexpected(response, path, "an integer id")
        attributes = data.get("attributes")
        list_ids = data.get("listIds")
        email = data.get("email")
        return Contact(
            id=contact_id,
            email=email if isinstance(email, str) else None,
            attributes=dict(attributes) if isinstance(attributes, dict) else {},
            list_ids=tuple(list_ids) if isinstance(list_ids, list) else (),
            email_blacklisted=data.get("emailBlacklisted") is True,
            sms_blacklisted=data.get("smsBlacklisted") is True,
        )

    async def import_contacts(
        self,
        contacts: Sequence[ImportContact],
        *,
        list_ids: Sequence[int],
        update_existing: bool = True,
        empty_attributes: bool = False,
        notify_url: str | None = None,
        max_body_bytes: int = MAX_IMPORT_BODY_BYTES,
    ) -> list[ImportResult]:
        """Import contacts in chunks under 10 MB and wait for every process.

        See `tajo.brevo.imports.import_contacts` for polling and errors.
        """
        return await import_contacts(
            self.session,
            self._clock,
            contacts,
            list_ids=list_ids,
            update_existing=update_existing,
            empty_attributes=empty_attributes,
            notify_url=notify_url,
            max_body_bytes=max_body_bytes,
            poll_seconds=self._import_poll_seconds,
            max_polls=self._max_import_polls,
        )

    async def get_process(self, process_id: int) -> tuple[str, Mapping[str, object]]:
        """Return a background process's status and its import report."""
        return await get_process(self.session, process_id)

    async def get_attributes(self) -> AttributeCatalogue:
        """Return the account's contact attribute catalogue."""
        path = "/contacts/attributes"
        response = await self.session.request("GET", path)
        return AttributeCatalogue.from_api(expect_object(response, path))

    async def create_attribute(
        self,
        name: str,
        attribute_type: AttributeType,
        *,
        enumeration: Mapping[str, int] | None = None,
        options: Sequence[str] = (),
    ) -> bool:
        """Create a contact attribute; return False when it already exists.

        Brevo has no integer type: counts are `float`, dates are `date`.
        `attribute_type="category"` creates a category attribute whose
        `enumeration` maps labels to values; a `multiple-choice` attribute
        takes its choices from `options`.
        """
        body: dict[str, object] = {"type": attribute_type}
        category = "normal"
        if attribute_type == "category":
            category = "category"
            body["enumeration"] = [
                {"value": value, "label": label}
                for label, value in (enumeration or {}).items()
            ]
        if options:
            body["multiCategoryOptions"] = list(options)
        path = f"/contacts/attributes/{category}/{encode_segment(name)}"
        try:
            await self.session.request("POST", path, body=body)
        except InvalidRequestError as exc:
            if is_attribute_exists(exc):
                logger.info("brevo attribute %s already exists", name)
                return False
            raise
        return True


def _upsert_body(contact: ContactUpsert) -> dict[str, object]:
    if contact.email is None and contact.ext_id is None and not contact.has_sms():
        raise ValueError(
            "contact has no identifier: expected an email, an ext_id or an SMS "
            "value; skip the contact or choose an identity policy"
        )
    body: dict[str, object] = {"updateEnabled": True}
    if contact.email is not None:
        body["email"] = contact.email
    if contact.ext_id is not None:
        body["ext_id"] = contact.ext_id
    attributes = dict(contact.attributes)
    if contact.sms is not None:
        attributes[SMS_ATTRIBUTE] = contact.sms
    if attributes:
        body["attributes"] = attributes
    if contact.list_ids:
        body["listIds"] = [int(list_id) for list_id in contact.list_ids]
    return body
