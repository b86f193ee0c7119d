"""Reading Gorgias responses: rate-limit headers and errors by status code.

Gorgias documents the error body only as "read the `error` attribute", which
may be a string or an object `{"msg", "data"}`, and documents no body at all for
401, 403 and 429. Errors are therefore chosen by status code alone and the body
only adds detail, redacted and cut to 200 characters.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from tajo.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)
from tajo.redact import Secret, redact_text

SERVICE = "gorgias"
USAGE_HEADER = "X-Gorgias-Account-Api-Call-Limit"
RETRY_AFTER_HEADER = "Retry-After"

# Retry-After values are capped at this, so a bad header cannot stall a sync
# for days.
MAX_RETRY_AFTER_SECONDS = 900.0


@dataclass(frozen=True, slots=True)
class RecordRef:
    """The record of an item request, named in the error when it returns 404."""

    name: str
    record_id: int


def parse_usage(value: str | None) -> tuple[int, int] | None:
    """Return `(used, limit)` from a `used/limit` header value, or None."""
    if not value:
        return None
    used, sep, limit = value.partition("/")
    if not sep:
        return None
    try:
        return int(used.strip()), int(limit.strip())
    except ValueError:
        return None


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Return the seconds to wait from a Retry-After value, or None if unusable.

    Gorgias sends seconds; the HTTP-date form is accepted too. The result is
    clamped to [0, MAX_RETRY_AFTER_SECONDS].
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(text) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def error_detail(response: httpx.Response, secrets: list[Secret]) -> str:
    """Return the body's `error` message and data as one redacted line."""
    text = response.text
    detail = text
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        error = body["error"]
        if isinstance(error, dict):
            detail = str(error.get("msg") or "")
            if error.get("data"):
                detail += f" data={json.dumps(error['data'], sort_keys=True)}"
        else:
            detail = str(error)
    return redact_text(" ".join(detail.split()), secrets)


def error_for_response(
    response: httpx.Response,
    *,
    base_url: str,
    record: RecordRef | None,
    secrets: list[Secret],
    retry_after: float = 0.0,
    attempts: int = 1,
) -> ApiError:
    """Return the tajo error for a non-2xx response.

    `record` names the record of an item request; None marks an account-level
    request (a list or `/api/account`), where a 404 means a wrong address.
    `attempts` is how many times the request was sent, for 5xx messages.
    """
    method = response.request.method
    path = response.request.url.path
    status = response.status_code
    body = redact_text(response.text, secrets)
    where = f"{method} {path}"
    if status == 429:
        return RateLimitedError(
            f"Gorgias rate limit still exceeded: status=429, request={where}, "
            f"retry_after={retry_after:g}s; other apps may share the account's "
            "budget; lower the request rate or retry later",
            retry_after=retry_after,
            service=SERVICE,
            method=method,
            path=path,
            status=status,
            body=body,
        )
    if status >= 500:
        where = f"{where}, attempts={attempts}"
    error_class, message = _classify(
        status, where, base_url, record, error_detail(response, secrets)
    )
    return error_class(
        message, service=SERVICE, method=method, path=path, status=status, body=body
    )


def _classify(
    status: int, where: str, base_url: str, record: RecordRef | None, detail: str
) -> tuple[type[ApiError], str]:
    if status == 401:
        return AuthenticationError, (
            f"Gorgias authentication failed: status=401, request={where}; expected "
            "a valid account email and API key; check both under Settings > REST "
            "API in Gorgias"
        )
    if status == 403:
        return PermissionDeniedError, (
            f"Gorgias permission denied: status=403, request={where}; the API key "
            "has the permissions of its user's role; use a key of a user whose "
            "role allows this request (an admin, for webhook setup)"
        )
    if status == 404 and record is not None:
        return NotFoundError, (
            f"Gorgias {record.name} not found: id={record.record_id}, "
            f"request={where}; it was deleted or merged into another record; "
            "drop it from local state"
        )
    if status == 404:
        return NotFoundError, (
            f"Gorgias API not found: status=404, request={where}, "
            f"base_url={base_url}; expected a Gorgias account at this address; "
            "check the subdomain or the base URL override"
        )
    if status == 409:
        return ConflictError, (
            f"Gorgias conflict: status=409, request={where}, detail={detail!r}; "
            "an identifier such as the email is already used by another record; "
            "look the record up and update it instead"
        )
    if status >= 500:
        return ServerError, (
            f"Gorgias server error: status={status}, request={where}, "
            f"detail={detail!r}; Gorgias failed to serve it; retry later"
        )
    if 400 <= status < 500:
        return InvalidRequestError, (
            f"Gorgias rejected the request: status={status}, request={where}, "
            f"detail={detail!r}; fix the parameters or body named in the detail"
        )
    return UnexpectedResponseError, (
        f"unexpected Gorgias response: status={status}, request={where}; expected "
        "2xx or an error status (redirects are not followed, so credentials stay "
        "on the configured host); check the base URL"
    )


def unexpected_body(
    response: httpx.Response, expectation: str, secrets: list[Secret]
) -> UnexpectedResponseError:
    """Return the error for a 2xx response whose body has the wrong shape."""
    method = response.request.method
    path = response.request.url.path
    body = redact_text(response.text, secrets)
    return UnexpectedResponseError(
        f"unexpected Gorgias response body: request={method} {path}, "
        f"status={response.status_code}, body={body!r}; expected {expectation}; "
        "check the base URL points at the Gorgias API",
        service=SERVICE,
        method=method,
        path=path,
        status=response.status_code,
        body=body,
    )
