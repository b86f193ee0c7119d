"""Every exception tajo raises, grouped by what the caller should do next.

    TajoError
    ├── ConfigError                  fix tajo.yaml or the command line, then rerun
    ├── CredentialsError             install or rotate the stored credentials
    ├── ApiError                     an HTTP call to Gorgias or Brevo failed
    │   ├── RetryableError           the same request may succeed later
    │   │   ├── RateLimitedError     wait `retry_after` seconds
    │   │   ├── ServerError          5xx
    │   │   └── TransportError       timeout, reset, refused connection
    │   └── FatalApiError            retrying the same request cannot help
    │       ├── AuthenticationError  401: wrong key or email
    │       ├── PermissionDeniedError 403: the key's user lacks the role
    │       ├── NotFoundError        404: deleted record, or wrong base URL
    │       ├── ConflictError        409 (Gorgias): identifier already in use
    │       ├── InvalidRequestError  400/413/422: the request itself is wrong
    │       │   ├── IdentifierConflictError  Brevo: identifier owned by another contact
    │       │   └── InvalidPhoneError        Brevo: SMS value rejected
    │       └── UnexpectedResponseError      2xx with an undocumented body
    ├── RecordError                  one record cannot be processed; it goes to the
    │   └── DatetimeParseError       failed-record ledger and the run goes on
    └── StoreError                   the state database failed or is busy
        └── LeaseHeldError           another process runs this sync now

Messages follow "what failed: key=value; expected ...; what to do". Response bodies
are redacted and cut to 200 characters before they reach a message.
"""

from __future__ import annotations


class TajoError(Exception):
    """Base class of every tajo error."""


class ConfigError(TajoError):
    """The configuration or a command-line value is invalid."""


class CredentialsError(TajoError):
    """Stored credentials are missing, unreadable or cannot be decrypted."""


class ApiError(TajoError):
    """An HTTP call to Gorgias or Brevo failed.

    Attributes name the service (`gorgias` or `brevo`), the request and, when
    there was a response, its status, the API's error code and a redacted body.
    """

    def __init__(
        self,
        message: str,
        *,
        service: str,
        method: str = "",
        path: str = "",
        status: int | None = None,
        code: str | None = None,
        body: str = "",
    ) -> None:
        super().__init__(message)
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.body = body


class RetryableError(ApiError):
    """The same request may succeed if sent again later."""


class RateLimitedError(RetryableError):
    """429: the service asked us to wait `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: float, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(RetryableError):
    """5xx from the service."""


class TransportError(RetryableError):
    """No usable response: timeout, connection reset or refused."""


class FatalApiError(ApiError):
    """Retrying the same request cannot succeed."""


class AuthenticationError(FatalApiError):
    """401: the credentials were rejected."""


class PermissionDeniedError(FatalApiError):
    """403: the credentials are valid but lack the permission."""


class NotFoundError(FatalApiError):
    """404: the record does not exist (often deleted) or the base URL is wrong."""


class ConflictError(FatalApiError):
    """409: an identifier is already used by another record."""


class InvalidRequestError(FatalApiError):
    """400, 413 or 422: the service rejected the request as invalid."""


class IdentifierConflictError(InvalidRequestError):
    """Brevo: an identifier of the request belongs to another contact.

    `identifiers` lists the clashing ones as Brevo names them, such as `SMS`,
    `email` or `ext_id`.
    """

    def __init__(
        self, message: str, *, identifiers: list[str], **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.identifiers = identifiers


class InvalidPhoneError(InvalidRequestError):
    """Brevo: the SMS attribute is not a valid phone number."""


class UnexpectedResponseError(FatalApiError):
    """A successful status whose body does not have the documented shape."""


class RecordError(TajoError):
    """One record cannot be processed; it belongs in the failed-record ledger."""


class DatetimeParseError(RecordError):
    """A datetime value is not ISO 8601."""

    def __init__(self, value: object) -> None:
        super().__init__(
            f"invalid datetime: value={value!r}; expected ISO 8601 such as "
            "2026-08-12T10:05:00+00:00"
        )
        self.value = value


class StoreError(TajoError):
    """The state database failed."""


class LeaseHeldError(StoreError):
    """Another process holds the lease for this work."""
