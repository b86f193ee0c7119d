"""Ticket changes made through the sandbox: create, close, reopen, tag, reply.

Each change stamps `updated_datetime`, records the events Gorgias records for
it (grouped by one `context` uuid) and fires the matching HTTP integration
trigger: `ticket-created`, `ticket-updated` or `ticket-message-created`.
"""

from __future__ import annotations

from tajo.sandbox.gorgias._context import MutationContext, new_context_id
from tajo.sandbox.gorgias._errors import InvalidRequest, NotFound
from tajo.sandbox.gorgias._render import customer_summary, user_summary
from tajo.sandbox.gorgias._store import Obj

# Value of `via` (how the first message arrived) for each channel.
_VIA = {"email": "email", "chat": "gorgias_chat", "api": "api", "phone": "phone"}
_TAG_COLOR = "#8A8FA3"


def ticket_or_404(ctx: MutationContext, ticket_id: int) -> Obj:
    """Return the stored ticket.

    Raises:
        NotFound: unknown or deleted ticket.
    """
    ticket = ctx.store.get("tickets", ticket_id)
    if ticket is None:
        raise NotFound(f"ticket_id={ticket_id}")
    return ticket


def _owner(ctx: MutationContext) -> Obj | None:
    owner_id = ctx.owner_id()
    return ctx.store.get("users", owner_id) if owner_id is not None else None


def create_ticket(
    ctx: MutationContext,
    customer_id: int | None,
    *,
    subject: str,
    channel: str,
    tags: tuple[str, ...] = (),
    body: str | None = None,
) -> Obj:
    """Open a ticket with a first message from the customer.

    Raises:
        NotFound: `customer_id` is given but unknown.
    """
    customer = None
    if customer_id is not None:
        customer = ctx.store.get("customers", customer_id)
        if customer is None:
            raise NotFound(f"customer_id={customer_id}")
    now = ctx.stamp()
    ticket_id = ctx.store.next_id("tickets")
    ticket: Obj = {
        "id": ticket_id,
        "uri": f"/api/tickets/{ticket_id}/",
        "external_id": None,
        "language": (customer or {}).get("language") or "en",
        "status": "open",
        "priority": "normal",
        "channel": channel,
        "via": _VIA.get(channel, "api"),
        "from_agent": False,
        "spam": False,
        "is_unread": True,
        "customer": (
            {k: v for k, v in customer.items() if k != "customer"} if customer else None
        ),
        "assignee_user": None,
        "assignee_user_id": None,
        "assignee_team": None,
        "assignee_team_id": None,
        "subject": subject,
        "meta": None,
        "tags": [],
        "custom_fields": {},
        "messages": [],
        "reply_options": {
            channel: {"answerable": True},
            "internal-note": {"answerable": True},
        },
        "satisfaction_survey": None,
        "created_datetime": now,
        "opened_datetime": None,
        "last_received_message_datetime": None,
        "last_message_datetime": None,
        "updated_datetime": now,
        "closed_datetime": None,
        "snooze_datetime": None,
        "trashed_datetime": None,
    }
    ctx.store.put("tickets", ticket)
    for name in tags:
        ticket["tags"].append(_tag_ref(ctx, name))
    context = new_context_id()
    event = ctx.record_event(
        "ticket-created", "Ticket", ticket_id, user_id=None, context=context
    )
    message = _new_message(
        ctx, ticket, from_agent=False, body=body or subject, public=True
    )
    ctx.record_event(
        "ticket-message-created",
        "TicketMessage",
        message["id"],
        user_id=None,
        context=context,
    )
    # NOTE: only `ticket-created` fires for a new ticket, not also
    # `ticket-message-created` for its first message. Gorgias does not
    # document which triggers a new ticket fires.
    ctx.fire("ticket-created", ticket, event, message)
    return ticket


def _new_message(
    ctx: MutationContext, ticket: Obj, *, from_agent: bool, body: str, public: bool
) -> Obj:
    now = ctx.stamp()
    message_id = ctx.store.next_id("messages")
    customer = (
        ticket.get("customer") if isinstance(ticket.get("customer"), dict) else None
    )
    agent = user_summary(_owner(ctx), with_bio=from_agent)
    client = customer_summary(customer)
    channel = ticket.get("channel", "email") if public else "internal-note"

    agent_address = {
        "name": (agent or {}).get("name"),
        "address": (agent or {}).get("email"),
    }
    client_address = {
        "name": (client or {}).get("name"),
        "address": (client or {}).get("email"),
    }
    receiver = None
    if public:
        receiver = client if from_agent else agent
    # Internal notes have no recipient and no `extra` in their source.
    source: Obj = {"type": channel, "from": agent_address, "to": []}
    if public:
        source["from"] = agent_address if from_agent else client_address
        source["to"] = [client_address if from_agent else agent_address]
        source["extra"] = {}

    message: Obj = {
        "id": message_id,
        "uri": f"/api/tickets/{ticket['id']}/messages/{message_id}/",
        "message_id": None,
        "ticket_id": ticket["id"],
        "external_id": None,
        "public": public,
        "channel": channel,
        "via": "helpdesk" if from_agent else ticket.get("via", "api"),
        "source": source,
        "sender": agent if from_agent else client,
        "receiver": receiver,
        "integration_id": None,
        "rule_id": None,
        "from_agent": from_agent,
        "subject": ticket.get("subject") or "",
        "body_text": body,
        "body_html": f"<div>{body}</div>",
        "stripped_text": body,
        "stripped_html": f"<div>{body}</div>",
        "stripped_signature": None,
        "headers": None,
        "attachments": [],
        "actions": None,
        "macros": [],
        "intents": [],
        "sentiments": [],
        "meta": None,
        "created_datetime": now,
        "sent_datetime": now if from_agent and public else None,
        "failed_datetime": None,
        "deleted_datetime": None,
        "opened_datetime": None,
        "last_sending_error": None,
        "is_retriable": True,
    }
    ctx.store.put("messages", message)
    if public:
        ticket["last_message_datetime"] = now
        if not from_agent:
            ticket["last_received_message_datetime"] = now
    ticket["updated_datetime"] = now
    ctx.store.touch("tickets")
    return message


def _set_status(ctx: MutationContext, ticket: Obj, status: str, context: str) -> Obj:
    now = ctx.stamp()
    ticket["status"] = status
    ticket["closed_datetime"] = now if status == "closed" else None
    ticket["updated_datetime"] = now
    ctx.store.touch("tickets")
    user_id = ctx.owner_id()
    event = ctx.record_event(
        "ticket-updated", "Ticket", ticket["id"], user_id=user_id, context=context
    )
    # NOTE: `ticket-reopened` is not in the part of the Gorgias event list
    # that could be confirmed; the simulator records it anyway.
    kind = "ticket-closed" if status == "closed" else "ticket-reopened"
    ctx.record_event(kind, "Ticket", ticket["id"], user_id=user_id, context=context)
    return event


def close_ticket(ctx: MutationContext, ticket_id: int) -> Obj:
    """Close an open ticket.

    Raises:
        NotFound: unknown or deleted ticket.
        InvalidRequest: the ticket is already closed.
    """
    ticket = ticket_or_404(ctx, ticket_id)
    if ticket.get("status") == "closed":
        raise InvalidRequest(
            "Failed to close ticket", {"status": ["Ticket is already closed."]}
        )
    event = _set_status(ctx, ticket, "closed", new_context_id())
    ctx.fire("ticket-updated", ticket, event, None)
    return ticket


def reopen_ticket(ctx: MutationContext, ticket_id: int) -> Obj:
    """Reopen a closed ticket.

    Raises:
        NotFound: unknown or deleted ticket.
        InvalidRequest: the ticket is already open.
    """
    ticket = ticket_or_404(ctx, ticket_id)
    if ticket.get("status") != "closed":
        raise InvalidRequest(
            "Failed to reopen ticket", {"status": ["Ticket is already open."]}
        )
    event = _set_status(ctx, ticket, "open", new_context_id())
    ctx.fire("ticket-updated", ticket, event, None)
    return ticket


def _tag_ref(ctx: MutationContext, name: str) -> Obj:
    """Return the ticket's reference to tag `name`, creating the tag if needed."""
    tag = next((t for t in ctx.store["tags"].values() if t.get("name") == name), None)
    if tag is None:
        tag_id = ctx.store.next_id("tags")
        tag = {
            "id": tag_id,
            "name": name,
            "description": None,
            "decoration": {"color": _TAG_COLOR},
            "usage": 0,
            "uri": f"/api/tags/{tag_id}/",
            "created_datetime": ctx.stamp(),
            "deleted_datetime": None,
        }
        ctx.store.put("tags", tag)
        ctx.record_event(
            "tag-created",
            "Tag",
            tag_id,
            user_id=ctx.owner_id(),
            context=new_context_id(),
        )
    tag["usage"] = int(tag.get("usage") or 0) + 1
    ctx.store.touch("tags")
    return {
        "id": tag["id"],
        "name": name,
        "uri": tag["uri"],
        "decoration": tag.get("decoration"),
    }


def tag_ticket(ctx: MutationContext, ticket_id: int, tag_name: str) -> Obj:
    """Add a tag (created when unknown; names are case-sensitive).

    Raises:
        NotFound: unknown or deleted ticket.
    """
    ticket = ticket_or_404(ctx, ticket_id)
    if any(t.get("name") == tag_name for t in ticket.get("tags") or ()):
        return ticket
    ticket.setdefault("tags", []).append(_tag_ref(ctx, tag_name))
    return _ticket_changed(ctx, ticket, "ticket-tags-added")


def untag_ticket(ctx: MutationContext, ticket_id: int, tag_name: str) -> Obj:
    """Remove a tag from a ticket.

    Raises:
        NotFound: unknown ticket, or the ticket does not carry this tag.
    """
    ticket = ticket_or_404(ctx, ticket_id)
    tags = ticket.get("tags") or []
    kept = [t for t in tags if t.get("name") != tag_name]
    if len(kept) == len(tags):
        raise NotFound(f"ticket_id={ticket_id} tag={tag_name!r}")
    ticket["tags"] = kept
    for tag in ctx.store["tags"].values():
        if tag.get("name") == tag_name:
            tag["usage"] = max(0, int(tag.get("usage") or 0) - 1)
    ctx.store.touch("tags")
    return _ticket_changed(ctx, ticket, "ticket-tags-removed")


def _ticket_changed(ctx: MutationContext, ticket: Obj, detail_type: str) -> Obj:
    ticket["updated_datetime"] = ctx.stamp()
    ctx.store.touch("tickets")
    context = new_context_id()
    user_id = ctx.owner_id()
    event = ctx.record_event(
        "ticket-updated", "Ticket", ticket["id"], user_id=user_id, context=context
    )
    # NOTE: the ticket-tags-* event types are not confirmed by Gorgias docs.
    ctx.record_event(
        detail_type, "Ticket", ticket["id"], user_id=user_id, context=context
    )
    ctx.fire("ticket-updated", ticket, event, None)
    return ticket


def add_message(
    ctx: MutationContext,
    ticket_id: int,
    *,
    from_agent: bool,
    body: str,
    public: bool = True,
) -> Obj:
    """Add a message; `public=False` makes an internal note.

    A customer message on a closed ticket reopens it, as in Gorgias.

    Raises:
        NotFound: unknown or deleted ticket.
    """
    ticket = ticket_or_404(ctx, ticket_id)
    message = _new_message(ctx, ticket, from_agent=from_agent, body=body, public=public)
    context = new_context_id()
    user_id = ctx.owner_id() if from_agent else None
    event = ctx.record_event(
        "ticket-message-created",
        "TicketMessage",
        message["id"],
        user_id=user_id,
        context=context,
    )
    if not from_agent and public and ticket.get("status") == "closed":
        updated = _set_status(ctx, ticket, "open", context)
        ctx.fire("ticket-updated", ticket, updated, None)
    ctx.fire("ticket-message-created", ticket, event, message)
    return message


def delete_ticket(ctx: MutationContext, ticket_id: int) -> None:
    """Hard-delete a ticket with its messages and survey; reads become 404s.

    Raises:
        NotFound: unknown or already deleted ticket.
    """
    ticket_or_404(ctx, ticket_id)
    for message_id in list(ctx.store.messages_by_ticket.get(ticket_id, ())):
        ctx.store.remove("messages", message_id)
    ctx.store.messages_by_ticket.pop(ticket_id, None)
    survey_id = ctx.store.survey_by_ticket.get(ticket_id)
    if survey_id is not None:
        ctx.store.remove("satisfaction-surveys", survey_id)
    ctx.store.remove("tickets", ticket_id)
    ctx.record_event(
        "ticket-deleted",
        "Ticket",
        ticket_id,
        user_id=ctx.owner_id(),
        context=new_context_id(),
    )
