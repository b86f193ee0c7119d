"""First-response times from ticket messages, merged page by page.

The cross-ticket `/api/messages` list is read newest first, so a ticket's
reply can arrive pages (or runs) before its first customer message. Each
ticket keeps the earliest customer message and the earliest agent reply, two
minimums that do not depend on the order pages arrive in. The first-response
time is their difference when the reply came after the customer's message;
a ticket an agent opened (reply first) has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from tajo.gorgias import TicketMessage
from tajo.store.sync_repo import ResponseTimes


def is_customer_message(message: TicketMessage) -> bool:
    """Return True for a public message the customer sent."""
    return (
        message.public is not False
        and message.from_agent is False
        and message.deleted_datetime is None
    )


def is_agent_reply(message: TicketMessage) -> bool:
    """Return True for a public reply an agent wrote and Gorgias sent.

    Internal notes, messages a rule sent (automatic acknowledgements) and
    messages that failed to send are not a response to the customer.
    """
    return (
        message.public is not False
        and message.from_agent is True
        and message.rule_id is None
        and message.via != "rule"
        and message.failed_datetime is None
        and message.deleted_datetime is None
    )


def merge_messages(
    stored: Mapping[int, ResponseTimes], messages: Iterable[TicketMessage]
) -> dict[int, ResponseTimes]:
    """Return the response times that `messages` change, keyed by ticket id."""
    customers: dict[int, datetime] = {}
    replies: dict[int, list[datetime]] = {}
    for message in messages:
        when = message.created_datetime
        if message.ticket_id is None or when is None:
            continue
        if is_customer_message(message):
            earliest = customers.get(message.ticket_id)
            if earliest is None or when < earliest:
                customers[message.ticket_id] = when
        elif is_agent_reply(message):
            replies.setdefault(message.ticket_id, []).append(when)

    changed: dict[int, ResponseTimes] = {}
    for ticket_id in set(customers) | set(replies):
        old = stored.get(ticket_id, ResponseTimes(None, None))
        first_customer = _earliest(old.first_customer_at, customers.get(ticket_id))
        first_reply = _earliest(
            old.first_reply_at, min(replies.get(ticket_id, []), default=None)
        )
        merged = ResponseTimes(first_customer, first_reply)
        if merged != old:
            changed[ticket_id] = merged
    return changed


def response_seconds(times: ResponseTimes | None) -> float | None:
    """Return seconds from the first customer message to the first reply."""
    if times is None:
        return None
    if times.first_customer_at is None or times.first_reply_at is None:
        return None
    if times.first_reply_at < times.first_customer_at:
        return None
    return (times.first_reply_at - times.first_customer_at).total_seconds()


def _earliest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None:
        return second
    if second is None:
        return first
    return min(first, second)
