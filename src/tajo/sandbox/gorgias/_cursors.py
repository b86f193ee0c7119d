"""Opaque, expiring pagination cursors.

A cursor is base64 text such as `WyJuZXh0IiwgMjksIDkyOV0=` (JSON
`["next", 29, 929]`), like the ones Gorgias returns. The simulator keeps the
state behind each cursor server-side: which list and sort it belongs to, the
item it continues from, and when it was issued. Cursors expire after a TTL on
the sandbox clock, and a cursor used with another endpoint, `order_by` or
filter set is rejected, so a client that drifts between pages is caught.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from tajo.sandbox.gorgias._errors import InvalidRequest

_PURGE_EVERY = 256


@dataclass(frozen=True, slots=True)
class CursorState:
    """Resume point of a page: direction, anchor item and the query it belongs to."""

    direction: str  # "next" or "prev"
    anchor: tuple[Any, int]  # (sort key, id) of the item the page continues from
    query: Hashable  # endpoint, order_by and filters the cursor was issued for
    issued_at: float  # sandbox clock seconds


class CursorBook:
    """Issue and resolve cursors that expire after `ttl_seconds`."""

    def __init__(self, clock: Callable[[], float], ttl_seconds: float) -> None:
        self._clock = clock
        self._ttl = ttl_seconds
        self._states: dict[int, CursorState] = {}
        self._serial = 0
        self._lock = threading.Lock()

    def issue(self, direction: str, anchor: tuple[Any, int], query: Hashable) -> str:
        """Store a cursor state and return its opaque token."""
        now = self._clock()
        with self._lock:
            self._serial += 1
            serial = self._serial
            self._states[serial] = CursorState(direction, anchor, query, now)
            if serial % _PURGE_EVERY == 0:
                self._purge(now)
        raw = json.dumps([direction, anchor[1], serial])
        return base64.b64encode(raw.encode()).decode()

    def resolve(self, token: str, query: Hashable) -> CursorState:
        """Return the state behind `token`.

        Raises:
            InvalidRequest: the token is garbled, unknown, expired, or was
                issued for another endpoint, `order_by` or filter set.
        """
        decoded = _decode(token)
        state = None
        if decoded is not None:
            direction, anchor_id, serial = decoded
            with self._lock:
                state = self._states.get(serial)
            if state is not None and (state.direction, state.anchor[1]) != (
                direction,
                anchor_id,
            ):
                state = None
        if state is None:
            raise _cursor_error("is not a cursor this server issued")
        if self._clock() - state.issued_at > self._ttl:
            raise _cursor_error("has expired; restart from the first page")
        if state.query != query:
            raise _cursor_error(
                "was issued for another endpoint, order_by or filter set; "
                "send the same parameters on every page"
            )
        return state

    def clear(self) -> None:
        """Forget every cursor (used when the sandbox is reset)."""
        with self._lock:
            self._states.clear()

    def _purge(self, now: float) -> None:
        expired = [k for k, s in self._states.items() if now - s.issued_at > self._ttl]
        for serial in expired:
            del self._states[serial]


def _decode(token: str) -> tuple[str, int, int] | None:
    try:
        decoded = json.loads(base64.b64decode(token.encode(), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if (
        not isinstance(decoded, list)
        or len(decoded) != 3
        or decoded[0] not in ("next", "prev")
        or not isinstance(decoded[1], int)
        or not isinstance(decoded[2], int)
    ):
        return None
    return (decoded[0], decoded[1], decoded[2])


def _cursor_error(reason: str) -> InvalidRequest:
    return InvalidRequest("Invalid cursor.", {"cursor": [f"The cursor {reason}."]})
