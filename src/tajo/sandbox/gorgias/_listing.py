"""One function that serves any cursor-paginated list endpoint."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tajo.sandbox.gorgias._ordering import SORT_KEYS, resolve_order
from tajo.sandbox.gorgias._pagination import (
    Entry,
    PageRequest,
    Predicate,
    paginate,
    parse_limit,
)
from tajo.sandbox.gorgias._query import Query

if TYPE_CHECKING:
    from tajo.sandbox.gorgias.sandbox import GorgiasSandbox


def list_page(
    sandbox: GorgiasSandbox,
    query: Query,
    resource: str,
    *,
    predicate: Predicate | None = None,
    render: Callable[[Mapping[str, Any]], Any] = lambda obj: obj,
    only_ids: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Build the list envelope for `/api/<resource>`.

    `only_ids` restricts the list to a few known objects (for example one
    ticket's messages) without walking the whole collection.

    Raises:
        InvalidRequest: bad `order_by`, `limit` or cursor.
    """
    order_text, ordering = resolve_order(resource, query.one("order_by"))
    limit = parse_limit(query.one("limit"))
    store = sandbox.store
    objects = store[resource]
    entries: Sequence[Entry]
    if only_ids is None:
        entries = store.sorted_entries(resource, ordering.key)
    else:
        key_of = SORT_KEYS[ordering.key]
        entries = sorted((key_of(objects[i]), i) for i in only_ids if i in objects)
    request = PageRequest(
        uri=f"/api/{resource}",
        entries=entries,
        objects=objects,
        descending=ordering.descending,
        limit=limit,
        query=(resource, order_text, query.signature()),
        predicate=predicate,
    )
    return paginate(request, query.one("cursor"), sandbox.cursors, render)
