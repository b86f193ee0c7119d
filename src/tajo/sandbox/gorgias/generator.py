"""Generate a realistic, messy Gorgias account from a seed.

`generate_account` is deterministic: the same arguments give byte-identical
data. It scales to tens of thousands of customers and tickets in seconds,
because sub-objects that never change (a customer's embedded form, an
agent's summary) are built once and shared between the objects that embed
them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from datetime import datetime

from tajo.sandbox.gorgias._account_data import AccountData
from tajo.sandbox.gorgias._gen_activity import (
    EventLog,
    add_customer_events,
    add_survey_events,
    add_ticket_events,
    make_surveys,
)
from tajo.sandbox.gorgias._gen_catalog import (
    make_custom_fields,
    make_field_values,
    make_integrations,
    make_macros,
    make_rules,
    make_tags,
)
from tajo.sandbox.gorgias._gen_common import make_gen
from tajo.sandbox.gorgias._gen_people import PhoneBook, make_customer, make_users
from tajo.sandbox.gorgias._gen_tickets import People, TicketHistory, make_ticket
from tajo.sandbox.gorgias._render import customer_summary, user_summary
from tajo.sandbox.gorgias._time import parse_query_datetime

FIRST_CUSTOMER_ID = 387700001
FIRST_TICKET_ID = 86530001
FIRST_MESSAGE_ID = 208800001
# Share of customer ids left unused: they are the customers merged away or
# deleted before the snapshot, and show up only in events.
VANISHED_SHARE = 0.008


def generate_account(
    seed: int,
    *,
    customers: int,
    tickets: int,
    surveys: int,
    now: datetime,
    users: int = 8,
    tags: int = 25,
    owner_email: str = "agent@example.com",
) -> AccountData:
    """Generate an account of the given size as of `now` (timezone-aware).

    The first user is the admin who owns the API key (`owner_email`). Fewer
    surveys than asked are made when too few tickets are closed.

    Raises:
        ValueError: a negative size or a naive `now`.
    """
    for name, size in (
        ("customers", customers),
        ("tickets", tickets),
        ("surveys", surveys),
        ("users", users),
        ("tags", tags),
    ):
        if size < 0:
            raise ValueError(f"invalid account size: {name}={size}; expected >= 0")
    with _gc_paused():
        return _generate(
            seed,
            customers=customers,
            tickets=tickets,
            surveys=surveys,
            now=now,
            users=users,
            tags=tags,
            owner_email=owner_email,
        )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small dicts.

    The data holds no reference cycles, and collections triggered by the
    allocation count alone took half the generation time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _generate(
    seed: int,
    *,
    customers: int,
    tickets: int,
    surveys: int,
    now: datetime,
    users: int,
    tags: int,
    owner_email: str,
) -> AccountData:
    gen = make_gen(seed, now)
    data = AccountData()
    data.users = make_users(gen, users, owner_email)
    owner_id = data.users[0]["id"]
    data.tags = make_tags(gen, tags)
    data.custom_fields = make_custom_fields(gen)
    customer_fields = [f for f in data.custom_fields if f["object_type"] == "Customer"]
    data.macros = make_macros(gen, [t["name"] for t in data.tags] or ["general"])
    data.rules = make_rules(gen)
    data.integrations = make_integrations(gen, owner_id)

    phones = PhoneBook(gen)
    gaps: list[int] = []
    customer_id = FIRST_CUSTOMER_ID
    for index in range(customers):
        while gen.chance(VANISHED_SHARE):
            gaps.append(customer_id)
            customer_id += 1
        customer = make_customer(gen, index, customer_id, phones)
        data.customers.append(customer)
        values = make_field_values(gen, customer_fields)
        if values:
            data.customer_custom_field_values[customer_id] = values
        customer_id += 1

    people = _people(data)
    histories: list[TicketHistory] = []
    message_id = FIRST_MESSAGE_ID
    for index in range(tickets):
        history, messages = make_ticket(
            gen, people, FIRST_TICKET_ID + index, message_id
        )
        histories.append(history)
        data.tickets.append(history.ticket)
        data.messages.extend(messages)
        message_id += len(messages)

    data.surveys, scored_at = make_surveys(gen, histories, surveys)
    log = EventLog(gen)
    macro_ids = [m["id"] for m in data.macros]
    for history in histories:
        add_ticket_events(gen, log, history, macro_ids, owner_id)
    add_survey_events(log, data.surveys, scored_at)
    created = [_parse(c["created_datetime"]) for c in data.customers]
    add_customer_events(gen, log, data.customers, created, gaps)
    data.events = log.events()
    return data


def _parse(value: str) -> datetime:
    parsed = parse_query_datetime(value)
    assert parsed is not None, value
    return parsed


def _people(data: AccountData) -> People:
    agents = [
        u for u in data.users if u["role"]["name"] not in ("bot", "observer-agent")
    ]
    bots = [u for u in data.users if u["role"]["name"] == "bot"]
    agent_summaries = {}
    agent_receivers = {}
    for user in data.users:
        summary = user_summary(user)
        receiver = user_summary(user, with_bio=False)
        assert summary is not None
        assert receiver is not None
        agent_summaries[user["id"]] = summary
        agent_receivers[user["id"]] = receiver
    embedded = {}
    summaries = {}
    for customer in data.customers:
        embedded[customer["id"]] = {
            k: v for k, v in customer.items() if k != "customer"
        }
        summary = customer_summary(customer)
        assert summary is not None
        summaries[customer["id"]] = summary
    return People(
        customers=data.customers,
        embedded=embedded,
        summaries=summaries,
        agents=agents or data.users[:1],
        agent_summaries=agent_summaries,
        agent_receivers=agent_receivers,
        bot=bots[0] if bots else None,
        tags=data.tags,
        rule_ids=[r["id"] for r in data.rules],
    )
