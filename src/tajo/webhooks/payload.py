"""Find the ticket a Gorgias HTTP integration call is about.

Gorgias renders the integration's body template before sending it, so the
same receiver receives several shapes:

- the whole ticket context (`form: "{{context}}"`): a ticket object whose
  `id` is the ticket id;
- a JSON object of rendered template strings, where every value is a string
  (`{"ticket_id": "123", ...}`);
- the same template sent as `application/x-www-form-urlencoded`;
- an empty body (no template), with the ticket id in the URL
  (`?ticket_id={{ticket.id}}`).

Only the ticket id is trusted: the worker re-fetches the ticket, because the
rendered values are strings and may be stale by the time they are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"

# Keys of a ticket object, used to recognise a whole ticket context whose
# ticket id is its plain `id`.
_TICKET_KEYS = frozenset(
    {"status", "channel", "via", "subject", "messages", "customer", "customer_id"}
)
_DIGITS = re.compile(r"\d{1,18}")
_HINT_LIMIT = 64


class DeliveryRejected(Exception):
    """A delivery the receiver rejects, with the HTTP status to respond with.

    `reason` is a short stable label for metrics and the failed-record ledger,
    and the message states what the sender must fix.
    """

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DeliveryHints:
    """The ticket a delivery names, and its trigger when the body gives one."""

    ticket_id: int
    # Such as `ticket-updated`; only for logs, since the body is not trusted.
    event_type: str | None = None


def media_type(content_type: str | None) -> str:
    """Return the lower-cased media type of a Content-Type value, '' when absent."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def read_delivery(
    body: bytes, content_type: str | None, query: Mapping[str, str]
) -> DeliveryHints:
    """Parse a delivery and return the ticket id it names.

    Raises:
        DeliveryRejected: 415 for a content type Gorgias does not send, 400
            for a body that does not parse, 422 when no ticket id is found.
    """
    if not body:
        return _hints({}, query)
    kind = media_type(content_type)
    if kind == JSON_TYPE or kind.endswith("+json"):
        return _hints(_json_object(body), query)
    if kind == FORM_TYPE:
        return _hints(_form_fields(body), query)
    received = kind or "none"
    raise DeliveryRejected(
        415,
        "unsupported_content_type",
        f"unsupported delivery content type: content_type={received[:_HINT_LIMIT]}; "
        f"expected {JSON_TYPE} or {FORM_TYPE}; set request_content_type on the "
        "Gorgias HTTP integration",
    )


def _json_object(body: bytes) -> Mapping[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise DeliveryRejected(
            400,
            "invalid_json",
            "invalid delivery body: content_type=application/json; expected a "
            "JSON object; check the body template of the Gorgias HTTP integration",
        ) from None
    if not isinstance(value, dict):
        raise DeliveryRejected(
            422,
            "no_ticket_id",
            f"delivery body is not an object: type={type(value).__name__}; "
            'expected a JSON object such as {"ticket_id": "{{ticket.id}}"}; '
            "fix the body template",
        )
    return value


def _form_fields(body: bytes) -> Mapping[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise DeliveryRejected(
            400,
            "invalid_form",
            f"invalid delivery body: content_type={FORM_TYPE}; expected UTF-8 "
            "form fields; check the body template of the Gorgias HTTP integration",
        ) from None
    return dict(parse_qsl(text, keep_blank_values=True))


def _hints(fields: Mapping[str, Any], query: Mapping[str, str]) -> DeliveryHints:
    candidates = _ticket_id_candidates(fields)
    if "ticket_id" in query:
        candidates.append(query["ticket_id"])
    if not candidates:
        raise DeliveryRejected(
            422,
            "no_ticket_id",
            "delivery names no ticket: ticket_id=missing; expected a ticket_id "
            "field, a whole ticket context or ?ticket_id= in the URL; add "
            '"ticket_id": "{{ticket.id}}" to the body template',
        )
    for candidate in candidates:
        ticket_id = _positive_int(candidate)
        if ticket_id is not None:
            return DeliveryHints(ticket_id, _event_type(fields))
    excerpt = str(candidates[0])[:_HINT_LIMIT]
    raise DeliveryRejected(
        422,
        "invalid_ticket_id",
        f"delivery names an invalid ticket: ticket_id={excerpt!r}; expected a "
        "positive whole number; check that the template renders {{ticket.id}}",
    )


def _ticket_id_candidates(fields: Mapping[str, Any]) -> list[Any]:
    found: list[Any] = []
    if "ticket_id" in fields:
        found.append(fields["ticket_id"])
    nested = fields.get("ticket")
    if isinstance(nested, dict) and "id" in nested:
        found.append(nested["id"])
    if "id" in fields and _looks_like_ticket(fields):
        found.append(fields["id"])
    return found


def _looks_like_ticket(fields: Mapping[str, Any]) -> bool:
    uri = fields.get("uri")
    if isinstance(uri, str) and uri.startswith("/api/tickets/"):
        return True
    return any(key in fields for key in _TICKET_KEYS)


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
        return number if number > 0 else None
    return None


def _event_type(fields: Mapping[str, Any]) -> str | None:
    value = fields.get("event_type")
    event = fields.get("event")
    if value is None and isinstance(event, dict):
        value = event.get("type")
    if isinstance(value, str) and value:
        return value[:_HINT_LIMIT]
    return None
