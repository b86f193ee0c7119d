"""Splitting of bulk work into calls Brevo accepts.

List add and remove take at most 150 identifiers per call. An import body is
capped at 10 MB, so rows are packed by their serialized size.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from tajo.brevo.session import encode_json
from tajo.errors import RecordError

T = TypeVar("T")

MAX_LIST_MEMBERS_PER_CALL = 150
# Brevo's limit is "10 MB"; counting it in decimal megabytes stays below it
# whichever unit Brevo means.
MAX_IMPORT_BODY_BYTES = 10_000_000


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most `size` items."""
    if size < 1:
        raise ValueError(f"invalid chunk size: size={size}; expected at least 1")
    for start in range(0, len(items), size):
        yield items[start : start + size]


def pack_by_size(
    rows: Sequence[dict[str, object]],
    envelope: dict[str, object],
    *,
    key: str,
    max_bytes: int,
) -> Iterator[tuple[list[dict[str, object]], int]]:
    """Group rows so that `envelope` with `key: [rows]` stays within `max_bytes`.

    Yields each group with the exact size of the body it makes. Sizes are
    measured on the same compact serialization the client sends.

    Raises:
        RecordError: one row alone does not fit in `max_bytes`.
    """
    empty_size = len(encode_json({**envelope, key: []}))
    group: list[dict[str, object]] = []
    size = empty_size
    for index, row in enumerate(rows):
        row_size = len(encode_json(row))
        separator = 1 if group else 0
        if empty_size + row_size > max_bytes:
            raise RecordError(
                f"import row too large: index={index} bytes={row_size}; expected "
                f"a body of at most {max_bytes} bytes; shorten the row's "
                "attribute values"
            )
        if size + separator + row_size > max_bytes:
            yield group, size
            group, size, separator = [], empty_size, 0
        group.append(row)
        size += separator + row_size
    if group:
        yield group, size
