"""Brevo error bodies: `{"code", "message", "metadata"?}` with the HTTP status.

The codes and messages that Brevo is known to send are reproduced here, so
clients are tested against the real wording. Messages for cases that Brevo
does not document are the sandbox's own.
"""

from __future__ import annotations

from typing import Any

DUPLICATE_PARAMETER = "duplicate_parameter"
INVALID_PARAMETER = "invalid_parameter"
MISSING_PARAMETER = "missing_parameter"
OUT_OF_RANGE = "out_of_range"
DOCUMENT_NOT_FOUND = "document_not_found"
UNAUTHORIZED = "unauthorized"
BAD_REQUEST = "bad_request"
METHOD_NOT_ALLOWED = "method_not_allowed"

# Wording observed from the live API.
CONTACT_NOT_FOUND = "Contact does not exist"
FOLDER_NOT_FOUND = "Folder ID does not exist"
INVALID_PHONE = "Invalid phone number"
LIST_ADD_NOTHING_DONE = "Contact already in list and/or does not exist"
ATTRIBUTE_EXISTS = "Attribute name must be unique"
KEY_NOT_FOUND = "Key not found"
KEY_MISSING = "authentication not found in headers"

# Brevo's wording for these is undocumented, so they mirror the ones above.
LIST_NOT_FOUND = "List ID does not exist"
PROCESS_NOT_FOUND = "Process ID does not exist"
LIST_REMOVE_NOTHING_DONE = "Contact already removed from list and/or does not exist"
INVALID_JSON = "Input must be a valid JSON object"


class ApiError(Exception):
    """A request the simulated Brevo rejects; rendered as Brevo's error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.metadata = metadata

    def body(self) -> dict[str, Any]:
        """Return the JSON body Brevo sends for this error."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.metadata is not None:
            body["metadata"] = self.metadata
        return body


def invalid(message: str) -> ApiError:
    """Build a 400 `invalid_parameter` error."""
    return ApiError(400, INVALID_PARAMETER, message)


def missing(message: str) -> ApiError:
    """Build a 400 `missing_parameter` error."""
    return ApiError(400, MISSING_PARAMETER, message)


def not_found(message: str) -> ApiError:
    """Build a 404 `document_not_found` error."""
    return ApiError(404, DOCUMENT_NOT_FOUND, message)


def duplicate_identifiers(
    kinds: list[str], *, verb: str, sms_conflict_code: str
) -> ApiError:
    """Build the 400 for identifiers already owned by another contact.

    `kinds` uses Brevo's names (`email`, `ext_id`, `SMS`), and `verb` is
    `create` or `update`. A clash on SMS alone uses `sms_conflict_code`, because Brevo
    has sent both `duplicate_parameter` and `invalid_parameter` for it.
    """
    names = " and ".join(kinds)
    copula = "is" if len(kinds) == 1 else "are"
    code = sms_conflict_code if kinds == ["SMS"] else DUPLICATE_PARAMETER
    return ApiError(
        400,
        code,
        f"Unable to {verb} contact, {names} {copula} already associated "
        "with another Contact",
        metadata={"duplicate_identifiers": list(kinds)},
    )
