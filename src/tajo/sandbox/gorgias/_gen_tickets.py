"""Generate tickets and their messages.

Tickets are open, closed, reopened, spam or trashed, and some have no
customer. Most get a public agent reply minutes to days after the
customer's first message, so a first-response time can be computed. Some
carry internal notes or an automatic reply sent by a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tajo.sandbox.gorgias._gen_catalog import (
    CONTACT_REASON_FIELD_ID,
    CONTACT_REASONS,
)
from tajo.sandbox.gorgias._gen_common import Gen
from tajo.sandbox.gorgias._gen_messages import Conversation

Obj = dict[str, Any]

CHANNELS = (
    "email",
    "chat",
    "phone",
    "sms",
    "facebook",
    "instagram-direct-message",
    "contact_form",
    "api",
    "help-center",
)
CHANNEL_WEIGHTS = (55, 18, 7, 5, 4, 3, 4, 2, 2)
VIA = {
    "email": "email",
    "chat": "gorgias_chat",
    "phone": "phone",
    "sms": "sms",
    "facebook": "facebook",
    "instagram-direct-message": "instagram",
    "contact_form": "contact_form",
    "api": "api",
    "help-center": "self_service",
}
SUBJECTS = (
    "Where is my order #{n}?",
    "Refund for order #{n}",
    "Wrong size received",
    "Package arrived damaged",
    "Change my delivery address",
    "Discount code not working",
    "Question about {product}",
    "Cancel order #{n}",
    "",
    "WIN A PRIZE",
)
CUSTOMER_LINES = (
    "Hi, my order #{n} has not arrived yet.",
    "I would like a refund please.",
    "The item is broken, what can I do?",
    "Can I exchange for a larger size?",
    "Any update on this?",
    "Thanks!",
)
AGENT_LINES = (
    "Hello, your order shipped today.",
    "Sorry about that, a refund is on its way.",
    "Could you send a photo of the item?",
    "Done, anything else?",
    "We have updated your address.",
)


@dataclass(slots=True)
class TicketHistory:
    """History of a generated ticket, used to build its events and survey."""

    ticket: Obj
    created: datetime
    closed: datetime | None  # last close, also for reopened tickets
    reopened: datetime | None
    first_reply: datetime | None
    agent_id: int | None
    rule_id: int | None
    marked_spam: datetime | None


@dataclass(slots=True)
class People:
    """Lookups the ticket generator needs about customers and agents."""

    customers: list[Obj]
    embedded: dict[int, Obj]  # customer id -> ticket-embedded form
    summaries: dict[int, Obj]  # customer id -> sender/receiver form
    agents: list[Obj]
    agent_summaries: dict[int, Obj]
    agent_receivers: dict[int, Obj]  # without `bio`, as in real payloads
    bot: Obj | None
    tags: list[Obj]
    rule_ids: list[int]


def _new_ticket(
    gen: Gen, people: People, ticket_id: int, customer: Obj | None, agent: Obj | None
) -> Obj:
    """Build a ticket without its messages and datetimes, with tags and fields."""
    channel = gen.weighted(CHANNELS, CHANNEL_WEIGHTS)
    number = gen.rng.randint(1000, 99999)
    ticket: Obj = {
        "id": ticket_id,
        "uri": f"/api/tickets/{ticket_id}/",
        "external_id": None,
        "language": (customer or {}).get("language") or "en",
        "status": "open",
        "priority": gen.weighted(("normal", "high", "low", "critical"), (80, 10, 8, 2)),
        "channel": channel,
        "via": VIA[channel],
        "from_agent": False,
        "spam": gen.chance(0.02),
        "is_unread": gen.chance(0.1),
        "customer": people.embedded[customer["id"]] if customer else None,
        "assignee_user": people.agent_summaries[agent["id"]] if agent else None,
        "assignee_user_id": agent["id"] if agent else None,
        "assignee_team": None,
        "assignee_team_id": None,
        "subject": gen.pick(SUBJECTS).format(n=number, product="the linen shirt"),
        "meta": None,
        "tags": [],
        "custom_fields": {},
        "messages": [],
        "reply_options": {
            channel: {"answerable": True},
            "internal-note": {"answerable": True},
        },
        "satisfaction_survey": None,
    }
    tag_count = gen.weighted((0, 1, 2, 3), (35, 40, 18, 7))
    for tag in gen.rng.sample(people.tags, k=min(len(people.tags), tag_count)):
        tag["usage"] += 1
        reference = {key: tag[key] for key in ("id", "name", "uri", "decoration")}
        ticket["tags"].append(reference)
    if gen.chance(0.7):
        field = {
            "id": CONTACT_REASON_FIELD_ID,
            "label": "Contact reason",
            "object_type": "Ticket",
        }
        ticket["custom_fields"] = {
            str(CONTACT_REASON_FIELD_ID): {
                "id": CONTACT_REASON_FIELD_ID,
                "field": field,
                "value": gen.pick(CONTACT_REASONS),
                "prediction": None,
            }
        }
    return ticket


def _pick_customer(gen: Gen, customers: list[Obj]) -> Obj | None:
    if not customers or gen.chance(0.015):
        return None
    # A skewed pick: a few customers open many tickets, most open one or none.
    return customers[int(len(customers) * gen.rng.random() ** 1.8)]


def make_ticket(
    gen: Gen, people: People, ticket_id: int, next_message_id: int
) -> tuple[TicketHistory, list[Obj]]:
    """Generate one ticket with its messages (ids from `next_message_id` up)."""
    fmt = gen.formatter()
    customer = _pick_customer(gen, people.customers)
    agent = gen.pick(people.agents) if people.agents and gen.chance(0.75) else None
    ticket = _new_ticket(gen, people, ticket_id, customer, agent)
    created = gen.days_ago(gen.rng.uniform(0.01, 2 * 365))
    spam = ticket["spam"]
    trashed = gen.chance(0.02)

    client = people.summaries[customer["id"]] if customer else None
    replier = agent or (people.agents[0] if people.agents else None)
    agent_summary = people.agent_summaries[replier["id"]] if replier else None
    agent_receiver = people.agent_receivers[replier["id"]] if replier else None
    talk = Conversation(gen, fmt, ticket, next_message_id)
    moment = created
    first_line = gen.pick(CUSTOMER_LINES).format(n=gen.rng.randint(1000, 99999))
    talk.add(
        moment,
        sender=client,
        receiver=agent_receiver,
        from_agent=False,
        body=first_line,
    )
    last_received = moment
    first_reply = None
    rule_id = None
    if people.bot is not None and people.rule_ids and gen.chance(0.06):
        rule_id = gen.pick(people.rule_ids)
        moment = gen.after(moment, 1, 5)
        bot = people.agent_summaries[people.bot["id"]]
        talk.add(
            moment,
            sender=bot,
            receiver=client,
            from_agent=True,
            body="We received your message.",
            rule_id=rule_id,
        )
    if not spam and agent_summary is not None and gen.chance(0.85):
        for exchange in range(gen.weighted((1, 2, 3), (70, 22, 8))):
            if gen.chance(0.1):
                moment = gen.after(moment, 30, 3600)
                note = "Customer is VIP, expedite."
                talk.add(
                    moment,
                    sender=agent_summary,
                    receiver=None,
                    from_agent=True,
                    body=note,
                    public=False,
                )
            delay = gen.weighted((3600, 86400, 3 * 86400), (50, 35, 15))
            moment = gen.after(moment, 300, delay)
            if moment >= gen.now:
                break
            if first_reply is None:
                first_reply = moment
            reply = gen.pick(AGENT_LINES)
            talk.add(
                moment,
                sender=agent_summary,
                receiver=client,
                from_agent=True,
                body=reply,
            )
            if exchange and gen.chance(0.6):
                moment = gen.after(moment, 600, 86400)
                if moment >= gen.now:
                    break
                last_received = moment
                line = gen.pick(CUSTOMER_LINES).format(n=gen.rng.randint(1000, 99999))
                talk.add(
                    moment,
                    sender=client,
                    receiver=agent_receiver,
                    from_agent=False,
                    body=line,
                )

    messages = talk.messages
    last_public = max((m for m in messages if m["public"]), key=lambda m: m["id"])
    updated = moment
    closed = reopened = marked_spam = None
    if spam or trashed or gen.rng.random() < 0.62:
        closed = gen.after(moment, 60, 2 * 86400)
        if closed >= gen.now:
            closed = None
    if closed is not None and not spam and not trashed and gen.chance(0.08):
        reopened = gen.after(closed, 3600, 5 * 86400)
        if reopened >= gen.now:
            reopened = None
    if closed is not None:
        updated = reopened or closed
    if spam:
        marked_spam = min(gen.after(created, 10, 3600), gen.now)
        updated = max(updated, marked_spam)
    trashed_at = None
    if trashed:
        trashed_at = min(gen.after(updated, 60, 86400), gen.now)
        updated = trashed_at
    opened = gen.after(created, 30, 600) if first_reply or closed else None
    still_closed = closed is not None and reopened is None

    ticket.update(
        {
            "status": "closed" if still_closed else "open",
            "created_datetime": fmt(created),
            "opened_datetime": fmt(opened) if opened else None,
            "last_received_message_datetime": fmt(last_received),
            "last_message_datetime": last_public["created_datetime"],
            "updated_datetime": fmt(min(gen.after(updated, 0, 1), gen.now)),
            "closed_datetime": fmt(closed) if still_closed and closed else None,
            "snooze_datetime": None,
            "trashed_datetime": fmt(trashed_at) if trashed_at else None,
            "messages": messages,
        }
    )
    history = TicketHistory(
        ticket=ticket,
        created=created,
        closed=closed,
        reopened=reopened,
        first_reply=first_reply,
        agent_id=agent["id"] if agent else None,
        rule_id=rule_id,
        marked_spam=marked_spam,
    )
    return history, messages
