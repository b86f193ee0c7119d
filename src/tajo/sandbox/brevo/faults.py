"""Injected faults: server errors, 429s, dropped connections, slow responses.

Each request takes at most one fault: the oldest one whose `path_prefix`
starts the request path. By default a fault replaces the request before it
is processed. With `after_processing` the request takes effect first and the
fault replaces its response, which is how a client learns whether it can
tell "failed" from "done but the reply was lost".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SERVER_ERROR = "server_error"
RATE_LIMIT = "rate_limit"
DROP = "drop"
SLOW = "slow"
FAULT_KINDS = (SERVER_ERROR, RATE_LIMIT, DROP, SLOW)


@dataclass(slots=True)
class Fault:
    """One injected fault and how many more requests it affects."""

    kind: str
    remaining: int
    path_prefix: str
    status: int
    delay: float
    after_processing: bool


@dataclass(slots=True)
class FaultQueue:
    """Pending faults in injection order."""

    faults: list[Fault] = field(default_factory=list)

    def add(
        self,
        kind: str,
        *,
        count: int,
        path_prefix: str,
        status: int,
        delay: float,
        after_processing: bool,
    ) -> None:
        """Queue a fault.

        Raises:
            ValueError: for an unknown kind, a count below 1, a status that
                is not 4xx or 5xx, or a negative delay.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind: kind={kind!r}; expected one of "
                + ", ".join(FAULT_KINDS)
            )
        if count < 1:
            raise ValueError(f"invalid fault count: count={count}; expected >= 1")
        if not 400 <= status <= 599:
            raise ValueError(f"invalid fault status: status={status}; expected 4xx/5xx")
        if delay < 0:
            raise ValueError(f"invalid fault delay: delay={delay}; expected >= 0")
        self.faults.append(
            Fault(kind, count, path_prefix, status, delay, after_processing)
        )

    def take(self, path: str) -> Fault | None:
        """Return the fault for a request to `path`, using up one of its count."""
        for fault in self.faults:
            if path.startswith(fault.path_prefix):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Drop every pending fault."""
        self.faults.clear()

    def to_state(self) -> list[dict[str, Any]]:
        """Return the pending faults for the state dump."""
        return [asdict(fault) for fault in self.faults]
