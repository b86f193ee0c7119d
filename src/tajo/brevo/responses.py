"""Checks on the shape of successful Brevo responses."""

from __future__ import annotations

from typing import Any

from tajo.brevo.classify import SERVICE
from tajo.brevo.session import BrevoResponse
from tajo.errors import UnexpectedResponseError


def expect_object(response: BrevoResponse, path: str) -> dict[str, Any]:
    """Return the JSON object body of `response`.

    Raises:
        UnexpectedResponseError: the body is not a JSON object.
    """
    if not isinstance(response.data, dict):
        raise unexpected(response, path, "a JSON object")
    return response.data


def expect_id(response: BrevoResponse, path: str) -> int:
    """Return the `id` of a 201 body such as `{"id": 7}`.

    Raises:
        UnexpectedResponseError: the body has no integer id.
    """
    created = optional_id(response.data)
    if created is None:
        raise unexpected(response, path, "an integer id")
    return created


def optional_id(data: object) -> int | None:
    """Return `data["id"]` when it is an integer, else None."""
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unexpected(
    response: BrevoResponse, path: str, expected: str
) -> UnexpectedResponseError:
    """Build the error for a 2xx whose body lacks what the endpoint documents."""
    return UnexpectedResponseError(
        f"unexpected Brevo response: path={path} status={response.status}; "
        f"expected {expected}; check that the base URL points at Brevo's API v3",
        service=SERVICE,
        path=path,
        status=response.status,
    )
