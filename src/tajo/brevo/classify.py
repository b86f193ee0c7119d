"""Turn a failed Brevo response into the matching `tajo.errors` exception.

Brevo's error body is `{"code", "message", "metadata"?}`. The code alone is not
enough: the same SMS clash has been returned both as `duplicate_parameter` and
as `invalid_parameter`, with the same message and the same
`metadata.duplicate_identifiers: ["SMS"]`. Classification therefore reads
status, code and metadata together, and falls back to the message only where
Brevo sends nothing else (invalid phone, already-in-list, existing attribute).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypedDict

from tajo.errors import (
    ApiError,
    AuthenticationError,
    IdentifierConflictError,
    InvalidPhoneError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from tajo.redact import Secret, redact_text

SERVICE = "brevo"

# Codes Brevo has used for an identifier owned by another contact.
_CONFLICT_CODES = frozenset({"duplicate_parameter", "invalid_parameter"})


class _ErrorFields(TypedDict):
    service: str
    method: str
    path: str
    status: int
    code: str | None
    body: str


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """The fields of a Brevo error body; all empty when the body is not JSON."""

    code: str | None
    message: str
    duplicate_identifiers: tuple[str, ...]


def parse_error_body(text: str) -> ErrorBody:
    """Read `code`, `message` and `metadata.duplicate_identifiers` leniently."""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    if not isinstance(data, Mapping):
        return ErrorBody(None, "", ())
    code = data.get("code")
    message = data.get("message")
    identifiers: tuple[str, ...] = ()
    metadata = data.get("metadata")
    if isinstance(metadata, Mapping):
        raw = metadata.get("duplicate_identifiers")
        if isinstance(raw, list):
            identifiers = tuple(str(item) for item in raw)
    return ErrorBody(
        code if isinstance(code, str) else None,
        message if isinstance(message, str) else "",
        identifiers,
    )


def classify_response(
    *,
    status: int,
    text: str,
    method: str,
    path: str,
    retry_after: float,
    secrets: Iterable[str | Secret] = (),
) -> ApiError:
    """Return the exception for a non-2xx Brevo response.

    `retry_after` is the wait, in seconds, taken from `x-sib-ratelimit-reset`
    (or a fallback); it is used only for 429.
    """
    body = parse_error_body(text)
    redacted = redact_text(text, secrets)
    where = f"method={method} path={path} status={status}"
    if body.code:
        where += f" code={body.code}"
    if body.message:
        where += f" message={redact_text(body.message, secrets)!r}"
    common = _ErrorFields(
        service=SERVICE,
        method=method,
        path=path,
        status=status,
        code=body.code,
        body=redacted,
    )

    if status == 401:
        return AuthenticationError(
            f"Brevo rejected the API key: {where}; expected a valid v3 API key in "
            "the api-key header; create or copy a key in Brevo under SMTP & API > "
            "API keys (Brevo shows a key in full only once) and update the "
            "connector's Brevo API key",
            **common,
        )
    if status == 403:
        return PermissionDeniedError(
            f"Brevo denied the request: {where}; expected a key whose account may "
            "use this endpoint; check the account's plan and the key's permissions",
            **common,
        )
    if status == 404:
        return NotFoundError(
            f"Brevo resource not found: {where}; expected an existing contact, list "
            "or process; check the id, or the base URL when every call fails",
            **common,
        )
    if status == 429:
        return RateLimitedError(
            f"Brevo rate limit reached: {where}; expected at most the plan's "
            f"requests per window; wait {retry_after:.0f} s or lower the "
            "configured Brevo rate",
            retry_after=retry_after,
            **common,
        )
    if status >= 500:
        return ServerError(
            f"Brevo server error: {where} body={redacted!r}; expected a 2xx; try "
            "again later",
            **common,
        )
    # The metadata is decisive whatever the code, because the code has changed.
    if body.duplicate_identifiers:
        return IdentifierConflictError(
            f"Brevo identifier already used by another contact: {where} "
            f"identifiers={list(body.duplicate_identifiers)}; expected identifiers "
            "unique across contacts; send the contact without the clashing "
            "identifier or merge the contacts in Brevo",
            identifiers=list(body.duplicate_identifiers),
            **common,
        )
    if _is_sms_clash_message(body):
        # NOTE: a clash reported without metadata is matched on Brevo's message.
        return IdentifierConflictError(
            f"Brevo identifier already used by another contact: {where} "
            "identifiers=['SMS']; expected identifiers unique across contacts; "
            "send the contact without SMS",
            identifiers=["SMS"],
            **common,
        )
    if body.code == "invalid_parameter" and "phone" in body.message.lower():
        return InvalidPhoneError(
            f"Brevo rejected the phone number: {where}; expected an SMS value in "
            "E.164 with a country code; fix the number or the default phone region",
            **common,
        )
    return InvalidRequestError(
        f"Brevo rejected the request: {where} body={redacted!r}; expected a "
        "request that matches Brevo's API; fix the values named in the message",
        **common,
    )


def _is_sms_clash_message(body: ErrorBody) -> bool:
    message = body.message.lower()
    return (
        body.code in _CONFLICT_CODES
        and "sms" in message
        and "already associate" in message
    )


def is_sms_rejection(error: ApiError) -> bool:
    """Return True when `error` rejects the SMS value itself.

    That is an SMS owned by another contact, or a number Brevo cannot read.
    Retrying without the SMS attribute can then succeed.
    """
    if isinstance(error, InvalidPhoneError):
        return True
    return isinstance(error, IdentifierConflictError) and any(
        identifier.upper() == "SMS" for identifier in error.identifiers
    )


def is_nothing_changed_in_list(error: ApiError) -> bool:
    """Return True for the 400 Brevo sends when no contact of a list call changed.

    For an add the message is "Contact already in list and/or does not exist".
    The wording for a remove is not documented, so any 400 `invalid_parameter`
    about contacts that are already (not) in the list or do not exist matches.
    There is no other field to match on.
    """
    message = _message_of(error)
    return (
        type(error) is InvalidRequestError
        and error.code == "invalid_parameter"
        and "contact" in message
        and ("already" in message or "does not exist" in message)
    )


def is_attribute_exists(error: ApiError) -> bool:
    """Return True for the 400 "Attribute name must be unique"."""
    return (
        type(error) is InvalidRequestError
        and error.code == "invalid_parameter"
        and "must be unique" in _message_of(error)
    )


def _message_of(error: ApiError) -> str:
    # The body is redacted and cut to 200 characters. Brevo's messages are short
    # enough to survive the cut, and a substring match works even when the cut
    # JSON no longer parses.
    return error.body.lower()
