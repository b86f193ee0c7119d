"""Exponential backoff with full jitter for retryable failures."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Backoff:
    """How many attempts a request gets and how long to wait between them.

    The delay before attempt n+1 is uniform in [0, min(cap, base * 2**n)].
    Tests pass `random=lambda: 1.0` to make delays exact.
    """

    max_attempts: int = 5
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    random: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, attempt: int) -> float:
        """Return the wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
        return float(ceiling * self.random())
