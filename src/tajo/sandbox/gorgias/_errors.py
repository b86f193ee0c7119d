"""Errors raised by the simulator, each carrying the HTTP response it maps to.

The body shape `{"error": {"msg": ..., "data": {field: [messages]}}}` is the
one Gorgias documents; 401, 403 and 429 bodies are undocumented, so they use
the same shape with a short message.
"""

from __future__ import annotations

from typing import Any

NOT_FOUND_MSG = "Resource not found."
CONFLICT_MSG = "The resource already exists."
METHOD_NOT_ALLOWED_MSG = "The specified HTTP method is not allowed."
SERVER_ERROR_MSG = "An external service had an issue."
UNAUTHORIZED_MSG = "Unauthorized"
TOO_MANY_REQUESTS_MSG = "Too many requests"


def error_body(msg: str, data: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Build a Gorgias error body."""
    error: dict[str, Any] = {"msg": msg}
    if data:
        error["data"] = data
    return {"error": error}


class SandboxError(Exception):
    """A request or a Python call that the simulated API rejects."""

    status = 400

    def __init__(self, msg: str, data: dict[str, list[str]] | None = None) -> None:
        super().__init__(msg if not data else f"{msg}: {data}")
        self.msg = msg
        self.data = data

    def body(self) -> dict[str, Any]:
        """Return the JSON error body for this error."""
        return error_body(self.msg, self.data)


class InvalidRequest(SandboxError):
    """Bad, missing or unknown parameters (400)."""

    status = 400


class NotFound(SandboxError):
    """Unknown or deleted object (404)."""

    status = 404

    def __init__(self, what: str = "") -> None:
        super().__init__(NOT_FOUND_MSG)
        self.what = what

    def __str__(self) -> str:
        return f"{NOT_FOUND_MSG} {self.what}".strip()


class Conflict(SandboxError):
    """Identifier already in use (409)."""

    status = 409

    def __init__(self, data: dict[str, list[str]] | None = None) -> None:
        super().__init__(CONFLICT_MSG, data)


def invalid_param(name: str, message: str) -> InvalidRequest:
    """Build the 400 error for one bad query or body parameter."""
    return InvalidRequest("Invalid request parameters.", {name: [message]})
