"""The Gorgias REST resources the connector uses, with what the API accepts.

Each `Resource` records the list path, the model, the `order_by` values and
filters the list accepts, and whether the list is cursor-paginated. The client
checks sort and filters against this table before sending, because the API
rejects unknown values with a 400 that names nothing useful.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from pydantic import BaseModel

from tajo.gorgias.admin_models import (
    Account,
    CustomFieldDefinition,
    CustomFieldValue,
    Event,
    Integration,
    User,
)
from tajo.gorgias.models import (
    Customer,
    SatisfactionSurvey,
    Tag,
    Ticket,
    TicketMessage,
)

ModelT = TypeVar("ModelT", bound=BaseModel)

# The API's own default page size is 30; 100 is the documented maximum.
MAX_PAGE_SIZE: Final = 100


def _both_directions(*fields: str) -> frozenset[str]:
    return frozenset(f"{name}:{way}" for name in fields for way in ("asc", "desc"))


@dataclass(frozen=True, slots=True)
class Resource(Generic[ModelT]):
    """One REST resource and the request rules the client enforces for it."""

    # Singular noun for log lines, error messages and failed records.
    name: str
    # Path relative to the API base URL; `{id}` is the parent record's id.
    path: str
    model: type[ModelT]
    # `order_by` values the list accepts; empty when it takes no `order_by`.
    order_by: frozenset[str] = frozenset()
    # Sort sent when the caller gives none, so every page uses the same order.
    default_order_by: str | None = None
    # Query parameters the list accepts as filters; sequences go as repeated keys.
    filters: frozenset[str] = frozenset()
    # Filters without which the list returns 400.
    required_filters: frozenset[str] = frozenset()
    # False for lists that return a plain `{"data": [...]}` without cursors.
    paginated: bool = True
    # Datetime field that incremental reads sort by and bookmark.
    incremental_field: str | None = None
    # HTTP methods besides GET that the client sends to this resource.
    write_methods: frozenset[str] = field(default_factory=frozenset)

    def list_path(self, parent_id: int | None = None) -> str:
        """Return the list path, with `parent_id` filled in for sub-resources."""
        if "{id}" in self.path:
            if parent_id is None:
                raise ValueError(f"missing parent id for Gorgias path {self.path}")
            return self.path.format(id=int(parent_id))
        return self.path

    def item_path(self, record_id: int) -> str:
        """Return the path of one record, such as `tickets/777`."""
        return f"{self.list_path()}/{int(record_id)}"

    def check_order_by(self, order_by: str | None) -> str | None:
        """Return the sort to send: `order_by`, or the default when it is None.

        Raises:
            ValueError: this resource does not accept `order_by`.
        """
        chosen = self.default_order_by if order_by is None else order_by
        if chosen is not None and chosen not in self.order_by:
            allowed = ", ".join(sorted(self.order_by)) or "none"
            raise ValueError(
                f"invalid order_by for Gorgias {self.name} list: order_by={chosen!r}; "
                f"expected one of: {allowed}; change the sort before sending"
            )
        return chosen

    def check_filters(self, names: set[str]) -> None:
        """Reject filters this list does not accept, and missing required ones.

        Raises:
            ValueError: a filter is unknown or a required filter is missing.
        """
        unknown = names - self.filters
        if unknown:
            allowed = ", ".join(sorted(self.filters)) or "none"
            raise ValueError(
                f"invalid filter for Gorgias {self.name} list: "
                f"filters={sorted(unknown)}; expected only: {allowed}"
            )
        missing = self.required_filters - names
        if missing:
            raise ValueError(
                f"missing filter for Gorgias {self.name} list: "
                f"filters={sorted(missing)}; the API requires them"
            )


ACCOUNT: Final = Resource(
    name="account",
    # `GET /api/account` is the cheapest credential check: 200, 401 or 403.
    path="account",
    model=Account,
    paginated=False,
)

CUSTOMERS: Final = Resource(
    name="customer",
    path="customers",
    model=Customer,
    # The API default is created_datetime:desc.
    order_by=_both_directions("created_datetime", "updated_datetime"),
    default_order_by="created_datetime:desc",
    # Exact-match filters. There is no updated_datetime filter, so incremental
    # reads sort by updated_datetime instead.
    filters=frozenset(
        {
            "email",
            "external_id",
            "name",
            "language",
            "timezone",
            "view_id",
            "channel_type",
            "channel_address",
        }
    ),
    incremental_field="updated_datetime",
    # POST creates (409 when the email belongs to another customer); PUT is a
    # partial update, except that `channels` replaces all channels.
    write_methods=frozenset({"POST", "PUT"}),
)

CUSTOMER_CUSTOM_FIELDS: Final = Resource(
    name="customer custom field",
    # One call per customer; the values are not embedded in the customer list.
    path="customers/{id}/custom-fields",
    model=CustomFieldValue,
    # Returns `{"data": [...]}` with no cursors.
    paginated=False,
)

CUSTOM_FIELD_DEFINITIONS: Final = Resource(
    name="custom field definition",
    path="custom-fields",
    model=CustomFieldDefinition,
    order_by=_both_directions("priority"),
    default_order_by="priority:asc",
    # `object_type` is `Customer` or `Ticket`, and the list returns 400 without it.
    filters=frozenset({"object_type", "search", "archived"}),
    required_filters=frozenset({"object_type"}),
)

TICKETS: Final = Resource(
    name="ticket",
    path="tickets",
    model=Ticket,
    # The API default is created_datetime:desc.
    order_by=_both_directions("created_datetime", "updated_datetime"),
    default_order_by="created_datetime:desc",
    # `trashed` defaults to true, so trashed tickets are listed unless it is
    # false. `ticket_ids` takes at most 100 ids. No updated_datetime filter exists.
    filters=frozenset(
        {"customer_id", "external_id", "view_id", "rule_id", "ticket_ids", "trashed"}
    ),
    incremental_field="updated_datetime",
)

MESSAGES: Final = Resource(
    name="ticket message",
    # The cross-ticket list; `GET /api/tickets/{id}/messages` is deprecated and
    # not paginated.
    path="messages",
    model=TicketMessage,
    order_by=_both_directions("created_datetime"),
    default_order_by="created_datetime:asc",
    filters=frozenset({"ticket_id"}),
)

TAGS: Final = Resource(
    name="tag",
    path="tags",
    model=Tag,
    # A bare `usage` sort is rejected; usage sorts must add the name tie-break.
    order_by=_both_directions("created_datetime", "name")
    | {"usage:asc,name:asc", "usage:desc,name:desc"},
    default_order_by="created_datetime:asc",
    filters=frozenset({"search"}),
)

SATISFACTION_SURVEYS: Final = Resource(
    name="satisfaction survey",
    path="satisfaction-surveys",
    model=SatisfactionSurvey,
    # Surveys have no updated_datetime; created_datetime is the only sort.
    order_by=_both_directions("created_datetime"),
    default_order_by="created_datetime:desc",
    incremental_field="created_datetime",
)

USERS: Final = Resource(
    name="user",
    path="users",
    model=User,
    # Users cannot be sorted by updated_datetime, so they are read in full.
    order_by=_both_directions("created_datetime", "name", "email"),
    default_order_by="created_datetime:asc",
    filters=frozenset({"email", "external_id", "roles", "search", "available_first"}),
)

INTEGRATIONS: Final = Resource(
    name="integration",
    path="integrations",
    model=Integration,
    order_by=_both_directions("created_datetime"),
    default_order_by="created_datetime:asc",
    # `type=http` is the only value the API supports for this filter.
    filters=frozenset({"type"}),
    # HTTP integrations are Gorgias's outbound webhooks, managed by API.
    write_methods=frozenset({"POST", "PUT", "DELETE"}),
)

EVENTS: Final = Resource(
    name="event",
    path="events",
    model=Event,
    # A bare `created_datetime` sort is deprecated; events only go back about
    # 12 months.
    order_by=_both_directions("created_datetime"),
    default_order_by="created_datetime:asc",
    # The only server-side time filter in the API. `types` and `user_ids` go as
    # repeated keys; `object_type` rejects `Message` and `TicketRule`.
    filters=frozenset(
        {
            "created_datetime[gt]",
            "created_datetime[gte]",
            "created_datetime[lt]",
            "created_datetime[lte]",
            "types",
            "object_type",
            "object_id",
            "user_ids",
        }
    ),
    incremental_field="created_datetime",
)
