"""What every Gorgias reader shares: paging, counting, the ledger, watermarks.

A reader fetches a page with no transaction open, converts it, and stores it
in one transaction with its transitions, its failed records and the run's
progress. A watermark moves only after the whole scan is stored, because a
newest-first scan cannot resume from the middle: a killed run reads again
from the old watermark, and the upserts, the ledger and the outbox keys make
the second pass harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractContextManager, aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel

from tajo.config import GorgiasConfig
from tajo.errors import NotFoundError, RecordError
from tajo.gorgias import FailedRecord, GorgiasClient, Page
from tajo.store import Tx, add_failed_record, get_watermark, set_watermark
from tajo.sync.progress import ProgressListener
from tajo.sync.report import RunTally
from tajo.sync.storage import Transactions

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

# Parallel single-record requests (custom fields, re-fetches). The account's
# limiter still paces their starts; this only overlaps their latency.
FETCH_CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class ReadScope:
    """How far back one run reads.

    `full` reads every record. Otherwise each resource reads from its
    watermark minus `overlap`, or from `since` when given, which replaces the
    watermarks for this run. A resource without a watermark is read in full.
    """

    full: bool
    since: datetime | None
    overlap: timedelta


class ReadContext:
    """The shared state and helpers of the Gorgias readers of one run."""

    def __init__(
        self,
        *,
        store: Transactions,
        connector_id: str,
        gorgias: GorgiasClient,
        config: GorgiasConfig,
        tally: RunTally,
        progress: ProgressListener,
        scope: ReadScope,
        on_page: Callable[[Tx], None],
    ) -> None:
        self.store = store
        self.connector_id = connector_id
        self.gorgias = gorgias
        self.config = config
        self.tally = tally
        self.progress = progress
        self.scope = scope
        self._on_page = on_page
        self._throttled = gorgias.limiter.throttled_seconds

    def tx(self, *, read_only: bool = False) -> AbstractContextManager[Tx]:
        """Open a transaction of this connector."""
        return self.store.transaction(self.connector_id, read_only=read_only)

    async def pages(
        self, name: str, scan: AsyncGenerator[Page[T], None]
    ) -> AsyncGenerator[Page[T], None]:
        """Yield a scan's pages, counting each page's request and records."""
        self.progress.on_stage(name, None)
        async with aclosing(scan):
            async for page in scan:
                self.request()
                self.tally.read[name] += len(page.items) + len(page.failed)
                self.progress.on_advance(name, len(page.items))
                yield page

    def request(self, count: int = 1) -> None:
        """Count Gorgias requests and report new throttling."""
        self.tally.gorgias_requests += count
        throttled = self.gorgias.limiter.throttled_seconds
        if throttled > self._throttled:
            self.progress.on_throttle(throttled - self._throttled)
            self._throttled = throttled

    def page_done(self, tx: Tx) -> None:
        """Record the run's progress in the page's transaction."""
        self._on_page(tx)

    def start(self, resource: str) -> datetime | None:
        """Return the instant this run reads `resource` from; None reads all."""
        if self.scope.full:
            return None
        if self.scope.since is not None:
            return self.scope.since
        with self.tx(read_only=True) as tx:
            watermark = get_watermark(tx, resource)
        return None if watermark is None else watermark - self.scope.overlap

    def finish(self, resource: str, newest: datetime | None) -> None:
        """Move the watermark of a fully stored scan forward."""
        if newest is None:
            return
        with self.tx() as tx:
            set_watermark(tx, resource, newest)

    def record_failures(
        self, tx: Tx, failed: Iterable[FailedRecord], *, record_type: str
    ) -> None:
        """Send records that could not be parsed to the failed-record ledger."""
        for record in failed:
            self.record_failure(
                tx,
                record_type,
                record.record_id if record.record_id is not None else "unknown",
                reason="invalid_record",
                detail=record.reason,
            )

    def record_failure(
        self,
        tx: Tx,
        record_type: str,
        record_id: int | str,
        *,
        reason: str,
        detail: str,
    ) -> None:
        """Add one ledger entry; replay re-reads the record by its id."""
        logger.warning("gorgias %s %s left out: %s", record_type, record_id, detail)
        entry = add_failed_record(
            tx,
            "sync",
            record_type,
            record_id,
            reason=reason,
            detail=detail,
            payload={"record_type": record_type, "record_id": record_id},
        )
        self.tally.fail(entry)
        self.tally.skip(reason)
        self.progress.on_message(f"{record_type} {record_id} left out: {reason}")

    def keep_fetched(
        self,
        results: Mapping[int, R | BaseException],
        *,
        record_type: str,
        missing_reason: str,
    ) -> list[R]:
        """Return the records `fetch_each` got; count 404s, ledger bad records.

        Raises:
            Exception: any other error of a fetch, such as a 5xx after retries.
        """
        found: list[R] = []
        for record_id, result in results.items():
            if isinstance(result, NotFoundError):
                # Deleted or merged since it was named; nothing to store.
                self.tally.skip(missing_reason)
            elif isinstance(result, RecordError):
                with self.tx() as tx:
                    self.record_failure(
                        tx,
                        record_type,
                        record_id,
                        reason="invalid_record",
                        detail=str(result),
                    )
            elif isinstance(result, BaseException):
                raise result
            else:
                found.append(result)
        return found

    async def fetch_each(
        self, ids: Iterable[int], fetch: Callable[[int], Awaitable[R]]
    ) -> dict[int, R | BaseException]:
        """Fetch single records by id, a few at a time; errors are returned."""
        limit = asyncio.Semaphore(FETCH_CONCURRENCY)

        async def one(record_id: int) -> tuple[int, R | BaseException]:
            async with limit:
                self.request()
                try:
                    return record_id, await fetch(record_id)
                except Exception as exc:  # returned to the caller, who sorts it
                    return record_id, exc

        results = await asyncio.gather(*(one(i) for i in sorted(set(ids))))
        return dict(results)


def newest(
    current: datetime | None, candidates: Iterable[datetime | None]
) -> datetime | None:
    """Return the latest of `current` and the non-None `candidates`."""
    values = [value for value in candidates if value is not None]
    if current is not None:
        values.append(current)
    return max(values, default=None)
