"""Progress callbacks of a sync, so a front end can draw bars and an ETA.

The sync itself never prints: the CLI passes a `ProgressListener` and renders
it with its terminal library, and the library API passes its own or none.
"""

from __future__ import annotations

from typing import Protocol


class ProgressListener(Protocol):
    """Receives what a running sync is doing."""

    def on_stage(self, name: str, total: int | None) -> None:
        """A stage starts (`customers`, `tickets`, `plan`, `write`...).

        `total` is the number of items when known; Gorgias lists do not say
        how long they are, so reads report None.
        """
        ...

    def on_advance(self, name: str, count: int) -> None:
        """`count` more items of stage `name` are done."""
        ...

    def on_throttle(self, seconds: float) -> None:
        """Requests waited `seconds` more for a rate limit."""
        ...

    def on_message(self, text: str) -> None:
        """A line worth showing, such as a skipped record or a 404."""
        ...

    def on_estimate(self, remaining_requests: int | None, seconds: float) -> None:
        """Expected Gorgias requests still to make, and the least time they take.

        `seconds` comes from the Gorgias rate limiter, so an ETA built on it
        accounts for the account's budget. `remaining_requests` is None when
        nothing is known yet (a first full sync).
        """
        ...


class NoProgress:
    """A listener that ignores everything."""

    def on_stage(self, name: str, total: int | None) -> None:
        return None

    def on_advance(self, name: str, count: int) -> None:
        return None

    def on_throttle(self, seconds: float) -> None:
        return None

    def on_message(self, text: str) -> None:
        return None

    def on_estimate(self, remaining_requests: int | None, seconds: float) -> None:
        return None
