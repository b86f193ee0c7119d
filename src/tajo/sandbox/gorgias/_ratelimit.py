"""The per-account leaky bucket behind `X-Gorgias-Account-Api-Call-Limit`.

Gorgias allows an API key 40 requests per 20 seconds per account, as a leaky
bucket: each request adds one unit and the bucket drains continuously at
limit/window units per second. A request that would overflow it gets a 429
with `Retry-after` set to the whole seconds until one unit has drained.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BucketDecision:
    """The outcome of one request against the bucket."""

    allowed: bool
    used: int  # units in the bucket after this request, rounded up
    limit: int
    retry_after: int  # seconds; 0 when allowed

    @property
    def header(self) -> str:
        """Return the `X-Gorgias-Account-Api-Call-Limit` value, `used/limit`."""
        return f"{self.used}/{self.limit}"


class LeakyBucket:
    """A thread-safe leaky bucket on an injected clock (seconds)."""

    def __init__(
        self, capacity: int, window_seconds: float, clock: Callable[[], float]
    ) -> None:
        if capacity < 1 or window_seconds <= 0:
            raise ValueError(
                "invalid rate limit: "
                f"requests_per_window={capacity}, window_seconds={window_seconds}; "
                "expected at least one request over a positive window"
            )
        self._capacity = capacity
        self._rate = capacity / window_seconds
        self._clock = clock
        self._level = 0.0
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> BucketDecision:
        """Add one request to the bucket, or refuse it when full."""
        with self._lock:
            self._drain()
            if self._level + 1 > self._capacity + 1e-9:
                missing = self._level + 1 - self._capacity
                wait = max(1, math.ceil(missing / self._rate))
                return BucketDecision(False, self._used(), self._capacity, wait)
            self._level += 1
            return BucketDecision(True, self._used(), self._capacity, 0)

    def peek(self) -> BucketDecision:
        """Report the bucket level without adding a request."""
        with self._lock:
            self._drain()
            return BucketDecision(True, self._used(), self._capacity, 0)

    def reset(self) -> None:
        """Empty the bucket."""
        with self._lock:
            self._level = 0.0
            self._last = self._clock()

    def _drain(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._last)
        self._last = now
        self._level = max(0.0, self._level - elapsed * self._rate)

    def _used(self) -> int:
        return min(self._capacity, math.ceil(self._level - 1e-9))
