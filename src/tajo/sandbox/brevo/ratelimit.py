"""Brevo's per-family rate limits and their `x-sib-ratelimit-*` headers.

Families (general plans): everything under `/v3/contacts` shares 10 requests
per second and 36,000 per hour. `/v3/events` has the same limits in a bucket
of its own. Every other endpoint, `/v3/processes` and `/v3/account`
included, shares 100 per hour. NOTE: Brevo does not document the bucket of
`/v3/events/batch`. The sandbox counts it in the events family, one request
per batch.

Windows are fixed and aligned on the sandbox clock (second n covers
[n, n + 1)). When a family has two windows, the headers describe the one with
the fewest requests left, the shorter one on a tie, because Brevo does not
document which one it reports. `x-sib-ratelimit-reset` is the whole number of
seconds left in that window, at least 1. A rejected request (429) does not
count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

CONTACTS = "contacts"
EVENTS = "events"
OTHER = "other"


def family_of(path: str) -> str:
    """Return the rate-limit family of a `/v3/...` path."""
    if path == "/v3/contacts" or path.startswith("/v3/contacts/"):
        return CONTACTS
    if path == "/v3/events" or path.startswith("/v3/events/"):
        return EVENTS
    return OTHER


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether a request may run, and the headers to send either way."""

    allowed: bool
    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        """Return the `x-sib-ratelimit-*` headers."""
        return {
            "x-sib-ratelimit-limit": str(self.limit),
            "x-sib-ratelimit-remaining": str(self.remaining),
            "x-sib-ratelimit-reset": str(self.reset),
        }


@dataclass(slots=True)
class _Window:
    seconds: float
    limit: int
    index: int = -1
    count: int = 0

    def roll(self, now: float) -> None:
        index = math.floor(now / self.seconds)
        if index != self.index:
            self.index = index
            self.count = 0

    def remaining(self) -> int:
        return max(self.limit - self.count, 0)

    def reset_in(self, now: float) -> int:
        end = (self.index + 1) * self.seconds
        return max(math.ceil(end - now), 1)


@dataclass(slots=True)
class FamilyLimiter:
    """The windows of one family, shortest first."""

    windows: list[_Window] = field(default_factory=list)

    @classmethod
    def build(cls, *, per_second: int | None, per_hour: int) -> FamilyLimiter:
        """Create a limiter with an optional per-second and a per-hour window."""
        windows = [] if per_second is None else [_Window(1.0, per_second)]
        windows.append(_Window(3600.0, per_hour))
        return cls(windows)

    def acquire(self, now: float) -> RateDecision:
        """Count one request at `now` unless a window is full."""
        for window in self.windows:
            window.roll(now)
        full = [w for w in self.windows if w.remaining() == 0]
        if full:
            blocking = max(full, key=lambda w: w.reset_in(now))
            return RateDecision(False, blocking.limit, 0, blocking.reset_in(now))
        for window in self.windows:
            window.count += 1
        return self._describe(now)

    def exhausted(self, now: float) -> RateDecision:
        """Return a 429 decision for the tightest window (used by faults)."""
        for window in self.windows:
            window.roll(now)
        tightest = self.windows[0]
        return RateDecision(False, tightest.limit, 0, tightest.reset_in(now))

    def _describe(self, now: float) -> RateDecision:
        # Shorter windows come first, so min() prefers them on a tie.
        window = min(self.windows, key=lambda w: w.remaining())
        return RateDecision(
            True, window.limit, window.remaining(), window.reset_in(now)
        )
