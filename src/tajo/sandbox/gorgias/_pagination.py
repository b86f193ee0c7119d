"""Cursor pagination over a sorted index, in the Gorgias list envelope.

Pages are keyset pages: a cursor remembers the (sort key, id) of the item a
page ends on, so an item updated during a scan moves in the order instead of
shifting offsets, as on the live API.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tajo.sandbox.gorgias._cursors import CursorBook
from tajo.sandbox.gorgias._errors import invalid_param

DEFAULT_LIMIT = 30
MAX_LIMIT = 100

Entry = tuple[Any, int]  # (sort key, object id)
Predicate = Callable[[Mapping[str, Any]], bool]


def parse_limit(raw: str | None) -> int:
    """Return the page size from the `limit` parameter (default 30, 1 to 100).

    Raises:
        InvalidRequest: `limit` is not an integer between 1 and 100.
    """
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid_param(
            "limit", f"Expected an integer from 1 to {MAX_LIMIT}; got {raw!r}."
        )
    return limit


@dataclass(frozen=True, slots=True)
class PageRequest:
    """One list request: the sorted entries, filter and cursor inputs."""

    uri: str
    entries: Sequence[Entry]  # ascending by (sort key, id)
    objects: Mapping[int, Mapping[str, Any]]
    descending: bool
    limit: int
    query: Hashable  # what a cursor issued for this page must match
    predicate: Predicate | None = None


def paginate(
    request: PageRequest,
    cursor: str | None,
    book: CursorBook,
    render: Callable[[Mapping[str, Any]], Any],
) -> dict[str, Any]:
    """Build one page of the list envelope.

    Raises:
        InvalidRequest: the cursor is garbled, expired or belongs to another
            query.
    """
    entries = request.entries
    step = -1 if request.descending else 1
    backwards = False
    resumed_from: Entry | None = None
    if cursor is None:
        start = len(entries) - 1 if request.descending else 0
    else:
        state = book.resolve(cursor, request.query)
        backwards = state.direction == "prev"
        resumed_from = state.anchor
        start = _start_position(entries, state.anchor, request.descending, backwards)
    walk_step = -step if backwards else step
    picked, next_pos = _collect(request, start, walk_step, request.limit)
    if backwards:
        picked.reverse()
    more_after, more_before = _neighbours(request, start, next_pos, walk_step)
    if backwards:
        more_after, more_before = more_before, more_after
    next_cursor = None
    prev_cursor = None
    if picked and more_after:
        next_cursor = book.issue("next", picked[-1], request.query)
    if resumed_from is not None and more_before:
        anchor = picked[0] if picked else resumed_from
        prev_cursor = book.issue("prev", anchor, request.query)
    return {
        "data": [render(request.objects[entry[1]]) for entry in picked],
        "object": "list",
        "uri": request.uri,
        "meta": {"prev_cursor": prev_cursor, "next_cursor": next_cursor},
    }


def _start_position(
    entries: Sequence[Entry], anchor: Entry, descending: bool, backwards: bool
) -> int:
    # Walking up the ascending list means "after" for ascending order and
    # "before" for descending order.
    walk_up = descending == backwards
    if walk_up:
        return bisect.bisect_right(entries, anchor)
    return bisect.bisect_left(entries, anchor) - 1


def _matches(request: PageRequest, entry: Entry) -> bool:
    obj = request.objects.get(entry[1])
    if obj is None:
        return False
    return request.predicate is None or request.predicate(obj)


def _collect(
    request: PageRequest, start: int, step: int, limit: int
) -> tuple[list[Entry], int]:
    entries = request.entries
    picked: list[Entry] = []
    pos = start
    while 0 <= pos < len(entries) and len(picked) < limit:
        if _matches(request, entries[pos]):
            picked.append(entries[pos])
        pos += step
    return picked, pos


def _any_match(request: PageRequest, start: int, step: int) -> bool:
    entries = request.entries
    pos = start
    while 0 <= pos < len(entries):
        if _matches(request, entries[pos]):
            return True
        pos += step
    return False


def _neighbours(
    request: PageRequest, start: int, next_pos: int, step: int
) -> tuple[bool, bool]:
    """Tell whether matching items exist past the page and before its start."""
    return _any_match(request, next_pos, step), _any_match(request, start - step, -step)
