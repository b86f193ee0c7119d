"""Read endpoints of the simulated Gorgias REST API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from tajo.sandbox.gorgias._customers import normalized_email
from tajo.sandbox.gorgias._errors import NotFound, invalid_param
from tajo.sandbox.gorgias._listing import list_page
from tajo.sandbox.gorgias._query import PAGING, Query
from tajo.sandbox.gorgias._render import ticket_body
from tajo.sandbox.gorgias._time import micros_of, sort_key
from tajo.sandbox.gorgias.sandbox import GorgiasSandbox

Check = Callable[[Mapping[str, Any]], bool]

EVENT_OBJECT_TYPES = frozenset(
    {
        "Account",
        "Macro",
        "Tag",
        "Customer",
        "Team",
        "View",
        "Widget",
        "User",
        "TicketMessage",
        "Ticket",
        "Rule",
        "Integration",
        "SatisfactionSurvey",
    }
)
MAX_TICKET_IDS = 100


def sandbox_of(request: Request) -> GorgiasSandbox:
    """Return the sandbox the app serves."""
    sandbox: GorgiasSandbox = request.app.state.sandbox
    return sandbox


def _query(request: Request, allowed: frozenset[str] = frozenset(), **kw: Any) -> Query:
    return Query(request.url.query, allowed, **kw)


def _all(checks: list[Check]) -> Check | None:
    if not checks:
        return None
    return lambda obj: all(check(obj) for check in checks)


def _equals(field: str, expected: object) -> Check:
    return lambda obj: obj.get(field) == expected


async def get_account(request: Request) -> JSONResponse:
    """GET /api/account: the cheapest credential check."""
    _query(request)
    return JSONResponse(sandbox_of(request).account())


async def list_customers(request: Request) -> JSONResponse:
    """GET /api/customers with the documented exact-match filters."""
    sandbox = sandbox_of(request)
    text_filters = ("external_id", "name", "language", "timezone")
    q = _query(
        request,
        PAGING | {"email", "view_id", "channel_type", "channel_address", *text_filters},
    )
    # Views are not simulated, so every view_id is an unknown view.
    if q.has("view_id"):
        raise NotFound(f"view_id={q.one('view_id')}")

    checks: list[Check] = [_equals(f, q.one(f)) for f in text_filters if q.has(f)]
    if q.has("email"):
        expected = normalized_email(q.one("email"))
        checks.append(lambda c: normalized_email(c.get("email")) == expected)
    if q.has("channel_type") or q.has("channel_address"):
        kind, address = q.one("channel_type"), q.one("channel_address")
        checks.append(
            lambda c: any(
                (kind is None or ch.get("type") == kind)
                and (address is None or ch.get("address") == address)
                for ch in c.get("channels") or ()
            )
        )
    with sandbox.store.lock:
        return JSONResponse(list_page(sandbox, q, "customers", predicate=_all(checks)))


def _get(collection: str) -> Callable[[Request], Any]:
    async def get_one(request: Request) -> JSONResponse:
        sandbox = sandbox_of(request)
        _query(request)
        object_id = request.path_params["id"]
        with sandbox.store.lock:
            obj = sandbox.store.get(collection, object_id)
            if obj is None:
                raise NotFound(f"{collection} id={object_id}")
            return JSONResponse(obj)

    get_one.__doc__ = f"GET /api/{collection}/{{id}}."
    return get_one


get_customer = _get("customers")
get_survey = _get("satisfaction-surveys")
get_tag = _get("tags")
get_event = _get("events")
get_macro = _get("macros")
get_rule = _get("rules")
get_integration = _get("integrations")


async def get_customer_custom_fields(request: Request) -> JSONResponse:
    """GET /api/customers/{id}/custom-fields: `{"data": [...]}`, not paginated."""
    sandbox = sandbox_of(request)
    _query(request)
    customer_id = request.path_params["id"]
    with sandbox.store.lock:
        if sandbox.store.get("customers", customer_id) is None:
            raise NotFound(f"customer_id={customer_id}")
        values = sandbox.store.customer_field_values.get(customer_id, [])
        return JSONResponse({"data": values})


async def list_tickets(request: Request) -> JSONResponse:
    """GET /api/tickets; spam and trashed tickets are listed unless trashed=false."""
    sandbox = sandbox_of(request)
    q = _query(
        request,
        PAGING | {"customer_id", "external_id", "view_id", "rule_id", "trashed"},
        arrays={"ticket_ids"},
    )
    # Views are not simulated, so every view_id is an unknown view.
    if q.has("view_id"):
        raise NotFound(f"view_id={q.one('view_id')}")

    checks: list[Check] = []
    customer_id = q.integer("customer_id")
    if customer_id is not None:
        checks.append(lambda t: (t.get("customer") or {}).get("id") == customer_id)
    if q.has("external_id"):
        checks.append(_equals("external_id", q.one("external_id")))
    if not q.boolean("trashed", default=True):
        checks.append(lambda t: t.get("trashed_datetime") is None)
    ticket_ids = q.integers("ticket_ids")
    if len(ticket_ids) > MAX_TICKET_IDS:
        raise invalid_param("ticket_ids", f"At most {MAX_TICKET_IDS} ids per request.")
    rule_id = q.integer("rule_id")

    with sandbox.store.lock:
        store = sandbox.store
        if rule_id is not None:
            touched = {
                m.get("ticket_id")
                for m in store["messages"].values()
                if m.get("rule_id") == rule_id
            }
            checks.append(lambda t: t["id"] in touched)
        page = list_page(
            sandbox,
            q,
            "tickets",
            predicate=_all(checks),
            render=lambda t: ticket_body(store, t, with_messages=False),
            only_ids=ticket_ids or None,
        )
        return JSONResponse(page)


async def get_ticket(request: Request) -> JSONResponse:
    """GET /api/tickets/{id}: the full ticket with messages and survey."""
    sandbox = sandbox_of(request)
    _query(request)
    ticket_id = request.path_params["id"]
    with sandbox.store.lock:
        ticket = sandbox.store.get("tickets", ticket_id)
        if ticket is None:
            raise NotFound(f"ticket_id={ticket_id}")
        return JSONResponse(ticket_body(sandbox.store, ticket, with_messages=True))


async def list_messages(request: Request) -> JSONResponse:
    """GET /api/messages, optionally for one ticket (`ticket_id`)."""
    sandbox = sandbox_of(request)
    q = _query(request, PAGING | {"ticket_id"})
    ticket_id = q.integer("ticket_id")
    with sandbox.store.lock:
        only_ids = None
        if ticket_id is not None:
            if sandbox.store.get("tickets", ticket_id) is None:
                raise NotFound(f"ticket_id={ticket_id}")
            only_ids = sandbox.store.messages_by_ticket.get(ticket_id, [])
        return JSONResponse(list_page(sandbox, q, "messages", only_ids=only_ids))


def _plain_list(
    resource: str, extra: frozenset[str] = frozenset()
) -> Callable[[Request], Any]:
    async def list_all(request: Request) -> JSONResponse:
        sandbox = sandbox_of(request)
        q = _query(request, PAGING | extra)
        with sandbox.store.lock:
            return JSONResponse(list_page(sandbox, q, resource))

    list_all.__doc__ = f"GET /api/{resource}."
    return list_all


list_surveys = _plain_list("satisfaction-surveys")
list_rules = _plain_list("rules")


def _search(q: Query, field: str = "name") -> Check | None:
    term = q.one("search")
    if term is None:
        return None
    lowered = term.lower()
    return lambda obj: lowered in str(obj.get(field) or "").lower()


async def list_tags(request: Request) -> JSONResponse:
    """GET /api/tags with `search`."""
    sandbox = sandbox_of(request)
    q = _query(request, PAGING | {"search"})
    with sandbox.store.lock:
        return JSONResponse(list_page(sandbox, q, "tags", predicate=_search(q)))


async def list_users(request: Request) -> JSONResponse:
    """GET /api/users; users cannot be ordered by updated_datetime."""
    sandbox = sandbox_of(request)
    q = _query(
        request,
        PAGING | {"email", "external_id", "search", "available_first"},
        arrays={"roles"},
    )
    q.boolean("available_first", default=False)
    checks: list[Check] = []
    if q.has("email"):
        expected = normalized_email(q.one("email"))
        checks.append(lambda u: normalized_email(u.get("email")) == expected)
    if q.has("external_id"):
        checks.append(_equals("external_id", q.one("external_id")))
    roles = set(q.many("roles"))
    if roles:
        checks.append(lambda u: (u.get("role") or {}).get("name") in roles)
    search = _search(q)
    if search is not None:
        checks.append(search)
    with sandbox.store.lock:
        return JSONResponse(list_page(sandbox, q, "users", predicate=_all(checks)))


async def get_user(request: Request) -> JSONResponse:
    """GET /api/users/{id}; id 0 is the user who owns the API key."""
    sandbox = sandbox_of(request)
    _query(request)
    user_id = request.path_params["id"]
    with sandbox.store.lock:
        user = (
            sandbox.current_user()
            if user_id == 0
            else sandbox.store.get("users", user_id)
        )
        if user is None:
            raise NotFound(f"user_id={user_id}")
        return JSONResponse(user)


async def list_integrations(request: Request) -> JSONResponse:
    """GET /api/integrations; `type=http` is the only supported filter value."""
    sandbox = sandbox_of(request)
    q = _query(request, PAGING | {"type"})
    if q.has("type") and q.one("type") != "http":
        raise invalid_param("type", "The only supported filter value is 'http'.")
    predicate = _equals("type", "http") if q.has("type") else None
    with sandbox.store.lock:
        return JSONResponse(list_page(sandbox, q, "integrations", predicate=predicate))


async def list_macros(request: Request) -> JSONResponse:
    """GET /api/macros; ordering by relevance needs `ticket_id`."""
    sandbox = sandbox_of(request)
    q = _query(
        request,
        PAGING | {"search", "archived", "ticket_id"},
        arrays={"tags", "languages"},
    )
    if (q.one("order_by") or "").startswith("relevance") and not q.has("ticket_id"):
        raise invalid_param("order_by", "Ordering by relevance needs a ticket_id.")
    q.integer("ticket_id")
    checks: list[Check] = []
    search = _search(q)
    if search is not None:
        checks.append(search)
    if q.has("archived"):
        archived = q.boolean("archived", default=False)
        checks.append(lambda m: (m.get("archived_datetime") is not None) == archived)
    languages = set(q.many("languages"))
    if languages:
        checks.append(lambda m: m.get("language") in languages)
    tags = set(q.many("tags"))
    if tags:
        checks.append(lambda m: bool(tags & _macro_tags(m)))
    with sandbox.store.lock:
        return JSONResponse(list_page(sandbox, q, "macros", predicate=_all(checks)))


def _macro_tags(macro: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for action in macro.get("actions") or ():
        if isinstance(action, dict) and action.get("name") == "addTags":
            raw = (action.get("arguments") or {}).get("tags") or ""
            found.update(t.strip() for t in str(raw).split(",") if t.strip())
    return found


async def list_custom_fields(request: Request) -> JSONResponse:
    """GET /api/custom-fields; `object_type` (Customer or Ticket) is required."""
    sandbox = sandbox_of(request)
    q = _query(request, PAGING | {"object_type", "search", "archived"})
    object_type = q.one("object_type")
    if object_type not in ("Customer", "Ticket"):
        raise invalid_param("object_type", "Required; expected Customer or Ticket.")
    checks: list[Check] = [_equals("object_type", object_type)]
    search = _search(q, "label")
    if search is not None:
        checks.append(search)
    if q.has("archived"):
        archived = q.boolean("archived", default=False)
        checks.append(lambda f: (f.get("deactivated_datetime") is not None) == archived)
    with sandbox.store.lock:
        return JSONResponse(
            list_page(sandbox, q, "custom-fields", predicate=_all(checks))
        )


async def list_events(request: Request) -> JSONResponse:
    """GET /api/events with time, type, object and user filters."""
    sandbox = sandbox_of(request)
    bounds = ("gt", "gte", "lt", "lte")
    q = _query(
        request,
        PAGING
        | {"object_type", "object_id"}
        | {f"created_datetime[{b}]" for b in bounds},
        arrays={"types", "user_ids"},
    )

    checks: list[Check] = []
    for bound in bounds:
        moment = q.datetime(f"created_datetime[{bound}]")
        if moment is not None:
            checks.append(_time_check(bound, micros_of(moment)))

    types = set(q.many("types"))
    if types:
        checks.append(lambda e: e.get("type") in types)
    object_type = q.one("object_type")
    if object_type is not None and object_type not in EVENT_OBJECT_TYPES:
        raise invalid_param(
            "object_type", f"Expected one of {sorted(EVENT_OBJECT_TYPES)}."
        )
    object_id = q.integer("object_id")
    if object_id is not None and object_type is None:
        raise invalid_param("object_id", "object_id needs object_type.")
    if object_type is not None:
        checks.append(_equals("object_type", object_type))
    if object_id is not None:
        checks.append(_equals("object_id", object_id))
    user_ids = set(q.integers("user_ids"))
    if user_ids:
        checks.append(lambda e: e.get("user_id") in user_ids)

    with sandbox.store.lock:
        return JSONResponse(list_page(sandbox, q, "events", predicate=_all(checks)))


def _time_check(bound: str, limit: int) -> Check:
    def check(event: Mapping[str, Any]) -> bool:
        present, micros = sort_key(event.get("created_datetime"))
        if not present:
            return False
        if bound == "gt":
            return micros > limit
        if bound == "gte":
            return micros >= limit
        if bound == "lt":
            return micros < limit
        return micros <= limit

    return check
