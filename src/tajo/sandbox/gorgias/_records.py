"""The request log entry of the simulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the app received (admin routes under /_sandbox excluded)."""

    at: float  # sandbox clock seconds when the request arrived
    method: str
    path: str
    query: dict[str, list[str]]
    status: int | None  # None when the connection was dropped on purpose
    fault: str | None = None  # kind of injected fault that produced the response

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready view."""
        return {
            "at": self.at,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "fault": self.fault,
        }
