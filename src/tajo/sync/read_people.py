"""Readers of customers (with custom fields), tags, users and field types.

Customers are read newest update first and stop once a page is older than
the watermark. Custom field values cost one request per customer, so they
are read only for customers that are new or changed, and only when the
mapping uses custom fields. Tags and users are small: read whole and
compared with the stored copy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta

from tajo.config import custom_field_key
from tajo.errors import NotFoundError, RecordError
from tajo.gorgias import Customer
from tajo.mapping import CustomerFacts
from tajo.store import (
    TagRecord,
    UserRecord,
    get_customers,
    list_tags,
    mark_customer_deleted,
    replace_tags,
    replace_users,
)
from tajo.store.sync_reads import rename_ticket_tags
from tajo.store.sync_repo import mark_dirty
from tajo.sync.convert import custom_field_values, customer_facts
from tajo.sync.reading import ReadContext, newest
from tajo.sync.record import Stored, store_customers

logger = logging.getLogger(__name__)


async def read_customers(ctx: ReadContext) -> None:
    """Read new and changed customers into the store."""
    start = ctx.start("customers")
    if start is None:
        scan = ctx.gorgias.customer_pages(order_by="updated_datetime:desc")
    else:
        scan = ctx.gorgias.updated_since("customers", start, overlap=timedelta(0))
    latest = None
    async for page in ctx.pages("customers", scan):
        latest = newest(latest, (c.updated_datetime for c in page.items))
        await store_customer_page(ctx, page.items, failed_page=page.failed)
    ctx.finish("customers", latest)


async def store_customer_page(
    ctx: ReadContext, customers: list[Customer], *, failed_page: Iterable[object] = ()
) -> Stored:
    """Fetch what changed customers need, then store the page in one transaction."""
    with ctx.tx(read_only=True) as tx:
        stored = get_customers(tx, [c.id for c in customers])
    changed = [
        c
        for c in customers
        if c.id not in stored or stored[c.id].updated_at != c.updated_datetime
    ]
    fields, missing, broken = await _custom_fields(ctx, changed)
    facts: list[CustomerFacts] = []
    for customer in customers:
        if customer.id in missing or customer.id in broken:
            continue
        values = fields.get(customer.id)
        if values is None and customer.id in stored:
            values = dict(stored[customer.id].custom_fields)
        facts.append(customer_facts(customer, values))
    with ctx.tx() as tx:
        ctx.record_failures(tx, failed_page, record_type="customer")  # type: ignore[arg-type]
        for customer_id, detail in broken.items():
            ctx.record_failure(
                tx,
                "customer",
                customer_id,
                reason="custom_fields_invalid",
                detail=detail,
            )
        for customer_id in missing:
            mark_customer_deleted(tx, customer_id, at=tx.now())
        mark_dirty(tx, missing)
        outcome = store_customers(tx, facts)
        ctx.tally.upserted["customers"] += outcome.upserted
        ctx.tally.skipped.update(outcome.skipped)
        ctx.page_done(tx)
    return outcome


async def _custom_fields(
    ctx: ReadContext, customers: list[Customer]
) -> tuple[dict[int, dict[str, object]], set[int], dict[int, str]]:
    if not customers or not ctx.config.reads_custom_fields:
        return {}, set(), {}
    results = await ctx.fetch_each(
        [c.id for c in customers], ctx.gorgias.get_customer_custom_fields
    )
    fields: dict[int, dict[str, object]] = {}
    missing: set[int] = set()
    broken: dict[int, str] = {}
    for customer_id, result in results.items():
        if isinstance(result, NotFoundError):
            # Merged or deleted between the list page and this call.
            missing.add(customer_id)
            ctx.tally.skip("customer_missing")
        elif isinstance(result, RecordError):
            broken[customer_id] = str(result)
        elif isinstance(result, BaseException):
            raise result
        else:
            fields[customer_id] = custom_field_values(result)
    return fields, missing, broken


async def fetch_customers(ctx: ReadContext, customer_ids: Iterable[int]) -> Stored:
    """Fetch customers by id (tickets name customers the store lacks) and store them."""
    results = await ctx.fetch_each(customer_ids, ctx.gorgias.get_customer)
    found = ctx.keep_fetched(
        results, record_type="customer", missing_reason="customer_missing"
    )
    outcome = Stored()
    if found:
        outcome = await store_customer_page(ctx, found)
    return outcome


async def read_tags(ctx: ReadContext) -> None:
    """Replace the stored tags; a renamed tag is renamed on stored tickets too."""
    tags: list[TagRecord] = []
    async for page in ctx.pages("tags", ctx.gorgias.tag_pages()):
        for tag in page.items:
            if tag.id is not None and tag.name:
                tags.append(TagRecord(tag.id, tag.name, {"usage": tag.usage}))
    with ctx.tx() as tx:
        before = {tag.id: tag.name for tag in list_tags(tx)}
        renames = {
            before[tag.id]: tag.name
            for tag in tags
            if tag.id in before and before[tag.id] != tag.name
        }
        replace_tags(tx, tags)
        customers = rename_ticket_tags(tx, renames)
        mark_dirty(tx, customers)
        ctx.tally.upserted["tags"] += len(renames)
        ctx.page_done(tx)


async def read_users(ctx: ReadContext) -> None:
    """Replace the stored helpdesk users."""
    users: list[UserRecord] = []
    async for page in ctx.pages("users", ctx.gorgias.user_pages()):
        users.extend(
            UserRecord(user.id, user.name, user.email, {"role": user.role_name})
            for user in page.items
        )
    with ctx.tx() as tx:
        replace_users(tx, users)
        ctx.page_done(tx)


async def read_custom_field_types(ctx: ReadContext) -> Mapping[str, str]:
    """Return the data type of each customer custom field, by mapping key."""
    types: dict[str, str] = {}
    scan = ctx.gorgias.custom_field_definition_pages("Customer")
    async for page in ctx.pages("custom_fields", scan):
        for definition in page.items:
            data_type = definition.definition.get("data_type")
            if definition.label and isinstance(data_type, str):
                types[custom_field_key(definition.label)] = data_type
    return types
