"""Build response bodies from stored objects.

`GET /api/tickets/{id}` embeds the current customer, every message and the
satisfaction survey. The ticket list leaves `messages` out: a ticket can hold
thousands of messages and clients page them through `/api/messages`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tajo.sandbox.gorgias._store import Obj, Store


def embedded_customer(store: Store, ticket: Mapping[str, Any]) -> Any:
    """Return the customer a ticket embeds: the current one when still stored."""
    embedded = ticket.get("customer")
    if not isinstance(embedded, dict):
        return embedded
    current = store.get("customers", embedded.get("id", -1))
    if current is None:
        return embedded
    return {key: value for key, value in current.items() if key != "customer"}


def ticket_body(store: Store, ticket: Mapping[str, Any], *, with_messages: bool) -> Obj:
    """Render a ticket for the detail endpoint or, without messages, the list."""
    body = dict(ticket)
    body["customer"] = embedded_customer(store, ticket)
    ticket_id = ticket["id"]
    if with_messages:
        body["messages"] = store.ticket_messages(ticket_id)
    else:
        body.pop("messages", None)
    survey = store.ticket_survey(ticket_id)
    if survey is not None or "satisfaction_survey" in ticket:
        body["satisfaction_survey"] = survey
    return body


def customer_summary(customer: Obj | None) -> Obj | None:
    """Return the short customer form used as message sender or receiver."""
    if customer is None:
        return None
    return {
        "id": customer.get("id"),
        "email": customer.get("email"),
        "firstname": customer.get("firstname", ""),
        "lastname": customer.get("lastname", ""),
        "name": customer.get("name"),
        "meta": customer.get("meta") or {},
    }


def user_summary(user: Obj | None, *, with_bio: bool = True) -> Obj | None:
    """Return the short user form used for assignees, senders and receivers.

    Real payloads carry `bio` when the agent is the assignee or the sender,
    and leave it out when the agent is the receiver of a customer message.
    """
    if user is None:
        return None
    summary = {
        "id": user.get("id"),
        "email": user.get("email"),
        "firstname": user.get("firstname", ""),
        "lastname": user.get("lastname", ""),
        "name": user.get("name"),
        "bio": user.get("bio"),
        "meta": {"name_set_via": "agent"},
    }
    if not with_bio:
        del summary["bio"]
    return summary


def http_integration_context(store: Store, ticket: Obj) -> Obj:
    """Build the TicketHttpIntegration object sent for a `{{context}}` form.

    It is the ticket with flat `customer_id`, `assignee_user_id` and
    `assignee_team_id` in place of the embedded objects.
    """
    customer = ticket.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else None
    tags = [
        {"id": tag.get("id"), "name": tag.get("name")}
        for tag in ticket.get("tags") or ()
        if isinstance(tag, dict)
    ]
    keys = (
        "id",
        "external_id",
        "status",
        "channel",
        "via",
        "spam",
        "from_agent",
        "assignee_user_id",
        "assignee_team_id",
        "subject",
        "meta",
        "language",
        "created_datetime",
        "opened_datetime",
        "trashed_datetime",
        "last_message_datetime",
        "last_received_message_datetime",
        "updated_datetime",
        "closed_datetime",
        "snooze_datetime",
    )
    context: Obj = {key: ticket.get(key) for key in keys}
    context["customer_id"] = customer_id
    context["custom_fields"] = ticket.get("custom_fields") or None
    context["tags"] = tags
    return context


def full_ticket_context(store: Store, ticket: Obj, domain: str) -> Obj:
    """Build the full-ticket body some accounts receive for `{{context}}`.

    It is the detail ticket plus `account`, `first_message` and `last_message`.
    """
    body = ticket_body(store, ticket, with_messages=True)
    messages = body["messages"]
    body["account"] = {"domain": domain}
    body["first_message"] = messages[0] if messages else None
    body["last_message"] = messages[-1] if messages else None
    return body
