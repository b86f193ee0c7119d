"""Cursor pagination over Gorgias lists, page by page.

A list returns `{"data": [...], "meta": {"next_cursor": ...}}`. The scan sends
the same `order_by`, filters and `limit` with every page, follows
`next_cursor` until it is null, and raises if a cursor comes back twice.
Cursors expire, so they live only inside one scan and are never returned to
callers for storage.

Records are parsed one by one: a record that does not fit its model (for
example a datetime that is not ISO 8601) becomes a `FailedRecord` on its page,
and the rest of the page is delivered. Callers send failed records to their
failed-record ledger.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic

import httpx
from pydantic import ValidationError

from tajo.errors import UnexpectedResponseError
from tajo.gorgias.endpoints import ModelT, Resource
from tajo.gorgias.requester import QueryParams, QueryValue, Requester
from tajo.gorgias.responses import SERVICE, unexpected_body

logger = logging.getLogger(__name__)

_MAX_REASON_LENGTH = 300


@dataclass(frozen=True, slots=True)
class FailedRecord:
    """A record that could not be parsed, with the reason and the raw JSON."""

    resource: str
    # The record's `id` when the raw JSON has one.
    record_id: int | str | None
    reason: str
    raw: Any = field(repr=False)


@dataclass(frozen=True, slots=True)
class Page(Generic[ModelT]):
    """One page of a list: parsed records, failed records, and its position."""

    resource: str
    # 1 for the first page of the scan.
    number: int
    items: list[ModelT]
    failed: list[FailedRecord]
    # True when no further page exists (or an incremental scan stops here).
    is_last: bool


def parse_records(
    resource: Resource[ModelT], raw_items: Sequence[object]
) -> tuple[list[ModelT], list[FailedRecord]]:
    """Parse `raw_items` into models, setting aside the ones that do not fit."""
    items: list[ModelT] = []
    failed: list[FailedRecord] = []
    for raw in raw_items:
        record_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            reason = f"invalid Gorgias {resource.name}: expected a JSON object"
            failed.append(FailedRecord(resource.name, None, reason, raw))
            continue
        try:
            items.append(resource.model.model_validate(raw))
        except ValidationError as exc:
            reason = describe_validation_error(resource.name, record_id, exc)
            failed.append(FailedRecord(resource.name, record_id, reason, raw))
    return items, failed


def describe_validation_error(
    name: str, record_id: object, exc: ValidationError
) -> str:
    """Return one line naming the record and each invalid field.

    The record's other values are left out, because they may be large or
    personal.
    """
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'record'}: {error['msg']}"
        for error in exc.errors(include_url=False, include_input=False)
    )
    text = f"invalid Gorgias {name}: id={record_id}; {problems}"
    if len(text) > _MAX_REASON_LENGTH:
        text = text[:_MAX_REASON_LENGTH] + "…"
    return text


async def iter_pages(
    requester: Requester,
    resource: Resource[ModelT],
    *,
    params: QueryParams = (),
    order_by: str | None = None,
    page_size: int,
    parent_id: int | None = None,
) -> AsyncGenerator[Page[ModelT], None]:
    """Yield the pages of a list, fetching each one only when it is requested.

    Raises:
        ValueError: `order_by` or a filter is not accepted by this resource.
        UnexpectedResponseError: the body is not a list envelope, or a cursor
            came back twice.
    """
    resource.check_filters({name for name, _ in params})
    sort = resource.check_order_by(order_by)
    path = resource.list_path(parent_id)
    fixed: list[tuple[str, QueryValue]] = list(params)
    if sort is not None:
        fixed.append(("order_by", sort))
    if resource.paginated:
        fixed.append(("limit", page_size))

    seen: set[str] = set()
    cursor: str | None = None
    number = 0
    while True:
        query = fixed if cursor is None else [*fixed, ("cursor", cursor)]
        response = await requester.send("GET", path, params=query)
        raw_items, next_cursor = _read_envelope(response, requester)
        number += 1
        if not resource.paginated:
            next_cursor = None
        if next_cursor is not None:
            if next_cursor in seen:
                raise _repeated_cursor(resource, response, next_cursor, number)
            seen.add(next_cursor)
        items, failed = parse_records(resource, raw_items)
        logger.info(
            "gorgias %s page %d: %d records, %d failed",
            resource.name,
            number,
            len(items),
            len(failed),
        )
        for record in failed:
            logger.warning(
                "gorgias %s page %d: %s", resource.name, number, record.reason
            )
        yield Page(resource.name, number, items, failed, next_cursor is None)
        if next_cursor is None:
            return
        cursor = next_cursor


async def stop_after_cutoff(
    pages: AsyncGenerator[Page[ModelT], None],
    *,
    key: Callable[[ModelT], datetime | None],
    cutoff: datetime,
) -> AsyncGenerator[Page[ModelT], None]:
    """Yield pages of a scan sorted by `key` descending until past `cutoff`.

    After each page, if any record's `key` is older than `cutoff`, every later
    page is older still, so the scan stops without fetching it. The page that
    crosses the cutoff is yielded whole, older records included, because
    callers upsert by id. Records whose `key` is None never stop the scan.
    """
    async with aclosing(pages) as scan:
        async for page in scan:
            instants = [key(item) for item in page.items]
            crossed = any(
                instant is not None and instant < cutoff for instant in instants
            )
            if crossed and not page.is_last:
                page = Page(page.resource, page.number, page.items, page.failed, True)
            yield page
            if crossed:
                return


async def iter_items(
    pages: AsyncGenerator[Page[ModelT], None],
    *,
    on_failed: Callable[[FailedRecord], None] | None = None,
) -> AsyncGenerator[ModelT, None]:
    """Yield the records of `pages` one by one.

    Failed records are passed to `on_failed` when given. `iter_pages` has
    already logged each of them at WARNING, so none disappears silently.
    """
    async with aclosing(pages) as scan:
        async for page in scan:
            if on_failed is not None:
                for record in page.failed:
                    on_failed(record)
            for item in page.items:
                yield item


def _read_envelope(
    response: httpx.Response, requester: Requester
) -> tuple[list[object], str | None]:
    secrets = requester.secrets
    try:
        body = response.json()
    except ValueError:
        raise unexpected_body(response, "a JSON list envelope", secrets) from None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise unexpected_body(response, 'a JSON object with a "data" list', secrets)
    meta = body.get("meta")
    next_cursor = meta.get("next_cursor") if isinstance(meta, dict) else None
    if next_cursor is not None and not isinstance(next_cursor, str | int):
        raise unexpected_body(response, "a string or null next_cursor", secrets)
    cursor_text = str(next_cursor) if next_cursor not in (None, "") else None
    return body["data"], cursor_text


def _repeated_cursor(
    resource: Resource[Any], response: httpx.Response, cursor: str, number: int
) -> UnexpectedResponseError:
    cursor_excerpt = cursor if len(cursor) <= 60 else cursor[:60] + "…"
    return UnexpectedResponseError(
        f"Gorgias pagination loop: list={resource.name}, page={number}, "
        f"next_cursor={cursor_excerpt!r} was already returned in this scan; "
        "expected a new cursor on every page; rerun the read, which starts a "
        "fresh scan",
        service=SERVICE,
        method="GET",
        path=response.request.url.path,
        status=response.status_code,
    )
