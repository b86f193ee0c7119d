"""Injectable time: wall clock, monotonic clock and sleep behind one interface.

Rate limiters, retries and the sync take a `Clock`, so tests run on `FakeClock`,
whose `sleep` advances virtual time at once instead of waiting.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of time for everything that waits or stamps."""

    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...

    def monotonic(self) -> float:
        """Return seconds on a clock that never goes backwards."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` (a no-op for zero or negative values)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)


class FakeClock:
    """Virtual time for tests: `sleep` advances the clock instead of waiting.

    Thread-safe, so a simulator served from another thread can read the same
    clock as the client under test. Every sleep is recorded in `sleeps`.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 8, 12, 12, 0, tzinfo=UTC)
        self._elapsed = 0.0
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def advance(self, seconds: float) -> None:
        """Move virtual time forward by `seconds`."""
        with self._lock:
            self._elapsed += max(seconds, 0.0)

    async def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._elapsed += max(seconds, 0.0)
        # Let other tasks run, as a real sleep would.
        await asyncio.sleep(0)
