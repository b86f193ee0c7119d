"""Generate the messages of a ticket: customer, agent, rule replies and notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tajo.sandbox.gorgias._gen_catalog import EMAIL_INTEGRATION_ID
from tajo.sandbox.gorgias._gen_common import Formatter, Gen

Obj = dict[str, Any]

SUPPORT_ADDRESS = {"name": "Example Store Support", "address": "support@example.com"}


def _address(summary: Obj | None) -> Obj:
    summary = summary or {}
    return {"name": summary.get("name"), "address": summary.get("email")}


def _message(
    gen: Gen,
    fmt: Formatter,
    ticket: Obj,
    message_id: int,
    moment: datetime,
    *,
    sender: Obj | None,
    receiver: Obj | None,
    from_agent: bool,
    body: str,
    public: bool = True,
    rule_id: int | None = None,
) -> Obj:
    channel = ticket["channel"] if public else "internal-note"
    if from_agent:
        source_from = SUPPORT_ADDRESS if public else _address(sender)
        source_to = [_address(receiver)] if public else []
    else:
        source_from, source_to = _address(sender), [SUPPORT_ADDRESS]
    via = ticket["via"]
    if from_agent:
        via = "rule" if rule_id else "helpdesk"
    source: Obj = {"type": channel, "from": source_from, "to": source_to}
    if public:
        source["extra"] = {}
    is_email = channel == "email"
    header_id = f"<{message_id}.{ticket['id']}@mail.example.com>" if is_email else None
    return {
        "id": message_id,
        "uri": f"/api/tickets/{ticket['id']}/messages/{message_id}/",
        "message_id": header_id,
        "ticket_id": ticket["id"],
        "external_id": None,
        "public": public,
        "channel": channel,
        "via": via,
        "source": source,
        "sender": sender,
        "receiver": receiver if public else None,
        "integration_id": EMAIL_INTEGRATION_ID if is_email else None,
        "rule_id": rule_id,
        "from_agent": from_agent,
        "subject": ticket["subject"] if public else "",
        "body_text": body,
        "body_html": f"<div>{body}</div>",
        "stripped_text": body,
        "stripped_html": f"<div>{body}</div>",
        "stripped_signature": None,
        "headers": {"Message-Id": header_id} if header_id else None,
        "attachments": [],
        "actions": None,
        "macros": [],
        "intents": [],
        "sentiments": [],
        "meta": None,
        "created_datetime": fmt(moment),
        "sent_datetime": fmt(moment) if from_agent and public else None,
        "failed_datetime": None,
        "deleted_datetime": None,
        "opened_datetime": None,
        "last_sending_error": None,
        "is_retriable": True,
    }


class Conversation:
    """The messages of one ticket, numbered from a first message id."""

    def __init__(self, gen: Gen, fmt: Formatter, ticket: Obj, first_id: int) -> None:
        self.gen = gen
        self.fmt = fmt
        self.ticket = ticket
        self.first_id = first_id
        self.messages: list[Obj] = []

    def add(
        self,
        moment: datetime,
        *,
        sender: Obj | None,
        receiver: Obj | None,
        from_agent: bool,
        body: str,
        public: bool = True,
        rule_id: int | None = None,
    ) -> None:
        """Append one message sent at `moment`."""
        message_id = self.first_id + len(self.messages)
        self.messages.append(
            _message(
                self.gen,
                self.fmt,
                self.ticket,
                message_id,
                moment,
                sender=sender,
                receiver=receiver,
                from_agent=from_agent,
                body=body,
                public=public,
                rule_id=rule_id,
            )
        )
