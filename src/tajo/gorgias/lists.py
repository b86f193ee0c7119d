"""List reads of the Gorgias client: full scans and incremental scans.

Every method returns an async generator of `Page`s that fetches a page only
when the caller asks for it, so a sync can store each page before the next
request. `GorgiasClient` inherits these methods.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final, Literal, overload

from tajo.datetimes import parse_datetime
from tajo.gorgias import endpoints as ep
from tajo.gorgias.admin_models import CustomFieldDefinition, Event, Integration, User
from tajo.gorgias.endpoints import ModelT, Resource
from tajo.gorgias.models import (
    Customer,
    SatisfactionSurvey,
    Tag,
    Ticket,
    TicketMessage,
)
from tajo.gorgias.pagination import Page, iter_pages, stop_after_cutoff
from tajo.gorgias.requester import Requester, encode_params

# Records updated while a descending scan runs move to the front and can be
# skipped; re-reading this much before the watermark catches them.
DEFAULT_OVERLAP: Final = timedelta(minutes=5)

Filters = Mapping[str, Any]


class ListReads:
    """The list and incremental-read methods of `GorgiasClient`."""

    _requester: Requester
    page_size: int

    def pages(
        self,
        resource: Resource[ModelT],
        *,
        order_by: str | None = None,
        filters: Filters | None = None,
        parent_id: int | None = None,
    ) -> AsyncGenerator[Page[ModelT], None]:
        """Return the pages of any list in `endpoints`, fetched lazily.

        Raises:
            ValueError: the resource does not accept `order_by` or a filter.
                This is raised by the call itself, before any request.
        """
        params = encode_params(filters or {})
        resource.check_filters({name for name, _ in params})
        sort = resource.check_order_by(order_by)
        return iter_pages(
            self._requester,
            resource,
            params=params,
            order_by=sort,
            page_size=self.page_size,
            parent_id=parent_id,
        )

    def customer_pages(
        self, *, order_by: str | None = None, filters: Filters | None = None
    ) -> AsyncGenerator[Page[Customer], None]:
        """Return pages of customers (default sort: created_datetime:desc)."""
        return self.pages(ep.CUSTOMERS, order_by=order_by, filters=filters)

    def ticket_pages(
        self, *, order_by: str | None = None, filters: Filters | None = None
    ) -> AsyncGenerator[Page[Ticket], None]:
        """Return pages of tickets, spam and trashed ones included by default."""
        return self.pages(ep.TICKETS, order_by=order_by, filters=filters)

    def message_pages(
        self, *, ticket_id: int | None = None, order_by: str | None = None
    ) -> AsyncGenerator[Page[TicketMessage], None]:
        """Return pages of messages, of one ticket when `ticket_id` is given."""
        filters = {} if ticket_id is None else {"ticket_id": ticket_id}
        return self.pages(ep.MESSAGES, order_by=order_by, filters=filters)

    def tag_pages(
        self, *, order_by: str | None = None
    ) -> AsyncGenerator[Page[Tag], None]:
        """Return pages of the account's tags."""
        return self.pages(ep.TAGS, order_by=order_by)

    def survey_pages(
        self, *, order_by: str | None = None
    ) -> AsyncGenerator[Page[SatisfactionSurvey], None]:
        """Return pages of satisfaction surveys (default: created_datetime:desc)."""
        return self.pages(ep.SATISFACTION_SURVEYS, order_by=order_by)

    def user_pages(
        self, *, order_by: str | None = None, filters: Filters | None = None
    ) -> AsyncGenerator[Page[User], None]:
        """Return pages of helpdesk users (agents)."""
        return self.pages(ep.USERS, order_by=order_by, filters=filters)

    def integration_pages(
        self, *, http_only: bool = False
    ) -> AsyncGenerator[Page[Integration], None]:
        """Return pages of integrations, only HTTP ones when `http_only`."""
        filters = {"type": "http"} if http_only else {}
        return self.pages(ep.INTEGRATIONS, filters=filters)

    def custom_field_definition_pages(
        self, object_type: Literal["Customer", "Ticket"]
    ) -> AsyncGenerator[Page[CustomFieldDefinition], None]:
        """Return pages of custom field definitions of `object_type`."""
        return self.pages(
            ep.CUSTOM_FIELD_DEFINITIONS, filters={"object_type": object_type}
        )

    def event_pages(
        self,
        *,
        since: datetime | None = None,
        types: Iterable[str] = (),
        object_type: str | None = None,
        object_id: int | None = None,
        order_by: str | None = None,
    ) -> AsyncGenerator[Page[Event], None]:
        """Return pages of events, oldest first unless `order_by` sets another order.

        `since` becomes the server-side `created_datetime[gte]` filter.
        """
        filters: dict[str, Any] = {
            "types": list(types),
            "object_type": object_type,
            "object_id": object_id,
        }
        if since is not None:
            filters["created_datetime[gte]"] = _query_datetime(since)
        present = {name: value for name, value in filters.items() if value}
        return self.pages(ep.EVENTS, order_by=order_by, filters=present)

    @overload
    def updated_since(
        self,
        resource: Literal["tickets"],
        watermark: datetime,
        *,
        overlap: timedelta = DEFAULT_OVERLAP,
    ) -> AsyncGenerator[Page[Ticket], None]: ...

    @overload
    def updated_since(
        self,
        resource: Literal["customers"],
        watermark: datetime,
        *,
        overlap: timedelta = DEFAULT_OVERLAP,
    ) -> AsyncGenerator[Page[Customer], None]: ...

    def updated_since(
        self,
        resource: Literal["tickets", "customers"],
        watermark: datetime,
        *,
        overlap: timedelta = DEFAULT_OVERLAP,
    ) -> AsyncGenerator[Page[Ticket], None] | AsyncGenerator[Page[Customer], None]:
        """Return the pages of tickets or customers updated since `watermark`.

        Neither list has an updated filter, so the scan sorts by
        `updated_datetime:desc`. It stops after the first page that contains a
        record older than `watermark - overlap`, without fetching the next
        page. That last page is yielded whole, older records included, so
        callers upsert by id.

        Save the new watermark (the newest `updated_datetime` seen, which is on
        the first page) only after the last page is stored. A scan killed
        midway is then redone from the old watermark, not skipped.

        Raises:
            ValueError: `resource` is neither "tickets" nor "customers".
        """
        cutoff = parse_datetime(watermark) - overlap
        if resource == "tickets":
            return stop_after_cutoff(
                self.pages(ep.TICKETS, order_by="updated_datetime:desc"),
                key=_updated_datetime,
                cutoff=cutoff,
            )
        if resource == "customers":
            return stop_after_cutoff(
                self.pages(ep.CUSTOMERS, order_by="updated_datetime:desc"),
                key=_updated_datetime,
                cutoff=cutoff,
            )
        raise ValueError(
            f"invalid resource for updated_since: resource={resource!r}; "
            "expected 'tickets' or 'customers'"
        )

    def events_since(
        self,
        watermark: datetime,
        *,
        overlap: timedelta = DEFAULT_OVERLAP,
        types: Iterable[str] = (),
    ) -> AsyncGenerator[Page[Event], None]:
        """Return events created at or after `watermark - overlap`, oldest first.

        Events are the one list with a server-side time filter
        (`created_datetime[gte]`). Gorgias keeps about 12 months of them.
        """
        return self.event_pages(
            since=parse_datetime(watermark) - overlap,
            types=types,
            order_by="created_datetime:asc",
        )

    def surveys_since(
        self, watermark: datetime, *, overlap: timedelta = DEFAULT_OVERLAP
    ) -> AsyncGenerator[Page[SatisfactionSurvey], None]:
        """Return surveys created since `watermark - overlap`, newest first.

        Surveys have no `updated_datetime` and are sent and scored days after
        they are created, so this scan misses late scores on older surveys.
        The caller re-reads the surveys it has stored unscored (or sent recently) with
        `get_survey`, or passes an overlap as long as the scoring delay.
        """
        return stop_after_cutoff(
            self.pages(ep.SATISFACTION_SURVEYS, order_by="created_datetime:desc"),
            key=_created_datetime,
            cutoff=parse_datetime(watermark) - overlap,
        )


def _query_datetime(value: datetime) -> str:
    return parse_datetime(value).isoformat()


def _updated_datetime(record: Ticket | Customer) -> datetime | None:
    return record.updated_datetime


def _created_datetime(record: SatisfactionSurvey) -> datetime | None:
    return record.created_datetime
