"""Client-side request pacing.

A sliding-window log guarantees at most `max_requests` starts in any window of
`window_seconds`, which is what an API budget such as Gorgias's "40 requests per
20 s" promises to tolerate. The server may also report its own view of the
budget (it is shared with the account's other apps) or ask for a pause; both
push the next start later, never earlier.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from tajo.clock import Clock

logger = logging.getLogger(__name__)


class SlidingWindowLimiter:
    """Paces request starts; one instance is shared by every task of one account.

    Args:
        max_requests: starts allowed in any window.
        window_seconds: length of the window.
        clock: time source; tests pass a `FakeClock`.
        name: label for log lines.
    """

    def __init__(
        self,
        max_requests: int,
        window_seconds: float,
        *,
        clock: Clock,
        name: str = "api",
    ) -> None:
        if max_requests < 1 or window_seconds <= 0:
            raise ValueError(
                f"invalid rate limit: {max_requests} per {window_seconds} s; "
                "expected at least 1 request per positive window"
            )
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self._clock = clock
        self._name = name
        self._starts: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.throttled_seconds = 0.0

    async def acquire(self) -> None:
        """Wait until one more request may start, then record its start."""
        async with self._lock:
            while True:
                now = self._clock.monotonic()
                while self._starts and self._starts[0] <= now - self.window_seconds:
                    self._starts.popleft()
                wait = self._paused_until - now
                if len(self._starts) >= self.max_requests:
                    wait = max(wait, self._starts[0] + self.window_seconds - now)
                if wait <= 0:
                    self._starts.append(now)
                    return
                self.throttled_seconds += wait
                await self._clock.sleep(wait)

    def pause(self, seconds: float) -> None:
        """Start nothing for `seconds` from now (after a 429 or a full budget).

        Logged at DEBUG only: callers log the 429s that cause a pause.
        """
        until = self._clock.monotonic() + max(seconds, 0.0)
        if until > self._paused_until:
            logger.debug("%s: pausing requests for %.1f s", self._name, seconds)
            self._paused_until = until

    def observe_usage(self, used: int, limit: int, *, reserve: int = 2) -> None:
        """Slow down when the server reports that the shared budget is nearly spent.

        `used/limit` is the server's count for the whole account, so other apps'
        calls show up here. When fewer than `reserve` calls remain, pause for the
        time the server needs to free that many slots.
        """
        if limit <= 0:
            return
        remaining = limit - used
        if remaining < reserve:
            per_slot = self.window_seconds / limit
            self.pause((reserve - remaining) * per_slot)

    def estimate_seconds(self, requests: int) -> float:
        """Return the minimum time `requests` more calls need at this pace."""
        if requests <= 0:
            return 0.0
        free_now = max(self.max_requests - len(self._starts), 0)
        remaining = max(requests - free_now, 0)
        return remaining / self.max_requests * self.window_seconds
