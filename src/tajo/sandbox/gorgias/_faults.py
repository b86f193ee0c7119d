"""Injected faults: 429 storms, server errors, slow responses, dropped connections.

Faults wait in a queue. Each matching request consumes one unit of the first
fault whose path prefix matches it, in the order the faults were injected.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

FAULT_KINDS = frozenset({"rate_limit", "server_error", "slow", "drop", "not_found"})


@dataclass(slots=True)
class Fault:
    """One injected fault and how many more requests it applies to."""

    kind: str
    remaining: int
    path_prefix: str
    retry_after: int
    status: int
    delay_seconds: float
    method: str | None

    def matches(self, method: str, path: str) -> bool:
        """Tell whether the request path is the prefix or below it, segment-wise."""
        if self.method is not None and self.method != method.upper():
            return False
        prefix = self.path_prefix.rstrip("/")
        return path == prefix or path.startswith(prefix + "/") or prefix == ""


class FaultQueue:
    """Faults waiting to be applied, consumed in injection order."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        """Queue a fault after the ones already waiting.

        Raises:
            ValueError: unknown kind, a count below 1, or a bad status or delay.
        """
        if fault.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind: kind={fault.kind!r}; "
                f"expected one of {sorted(FAULT_KINDS)}"
            )
        if fault.remaining < 1:
            raise ValueError(
                f"invalid fault count: count={fault.remaining}; expected >= 1"
            )
        if fault.kind == "server_error" and not 500 <= fault.status <= 599:
            raise ValueError(
                f"invalid server_error fault status: status={fault.status}; "
                "expected 500 to 599"
            )
        if fault.delay_seconds < 0 or fault.retry_after < 0:
            raise ValueError(
                "invalid fault timing: "
                f"delay_seconds={fault.delay_seconds}, "
                f"retry_after={fault.retry_after}; "
                "expected values >= 0"
            )
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one unit of the first fault matching this request."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        """Return copies of the faults still waiting."""
        with self._lock:
            return [dataclasses.replace(fault) for fault in self._faults]

    def clear(self) -> None:
        """Drop every waiting fault."""
        with self._lock:
            self._faults.clear()
