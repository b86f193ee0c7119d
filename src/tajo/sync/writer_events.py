"""Sending queued timeline events and campaign actions to Brevo.

Events go 100 at a time through `POST /events/batch`; a 207 answer names the
events Brevo refused by their index, and only those fail. Campaign actions
are a Brevo event or a transactional template email, sent one by one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tajo.brevo import BrevoClient, BrevoEvent, EmailRecipient
from tajo.errors import ApiError

EVENTS_PER_BATCH = 100


def event_payload(event: BrevoEvent, *, customer_id: int, key: str) -> dict[str, Any]:
    """Return the outbox payload of a timeline event."""
    return {
        "customer_id": customer_id,
        "key": key,
        "event": event.to_json(),
    }


def event_from_payload(payload: Mapping[str, Any]) -> BrevoEvent:
    """Rebuild the Brevo event of an `event` or brevo-event `trigger` payload."""
    body = payload["event"]
    date = body.get("event_date")
    return BrevoEvent(
        name=body["event_name"],
        identifiers=dict(body["identifiers"]),
        occurred_at=datetime.fromisoformat(date) if date else None,
        contact_properties=dict(body.get("contact_properties") or {}),
        event_properties=dict(body.get("event_properties") or {}),
    )


@dataclass(slots=True)
class SendResult:
    """Per outbox row: None when sent, else the error."""

    errors: dict[int, ApiError | ValueError | None] = field(default_factory=dict)
    rejected: dict[int, str] = field(default_factory=dict)
    requests: int = 0


async def send_events(
    brevo: BrevoClient, items: Sequence[tuple[int, Mapping[str, Any]]]
) -> SendResult:
    """Send `(row id, payload)` events in batches."""
    outcome = SendResult()
    for start in range(0, len(items), EVENTS_PER_BATCH):
        chunk = items[start : start + EVENTS_PER_BATCH]
        events = [event_from_payload(payload) for _, payload in chunk]
        outcome.requests += 1
        try:
            result = await brevo.send_events(events)
        except (ApiError, ValueError) as exc:
            for item_id, _ in chunk:
                outcome.errors[item_id] = exc
            continue
        for index, (item_id, _) in enumerate(chunk):
            if index in result.failed:
                outcome.rejected[item_id] = result.failed[index]
            else:
                outcome.errors[item_id] = None
    return outcome


async def send_triggers(
    brevo: BrevoClient, items: Sequence[tuple[int, Mapping[str, Any]]]
) -> SendResult:
    """Send campaign actions: Brevo events or template emails."""
    outcome = SendResult()
    for item_id, payload in items:
        outcome.requests += 1
        try:
            if payload.get("template_id") is not None:
                await brevo.send_template_email(
                    int(payload["template_id"]),
                    [EmailRecipient(email=str(payload["email"]))],
                    params=dict(payload.get("params") or {}),
                )
            else:
                await brevo.send_event(event_from_payload(payload))
        except (ApiError, ValueError) as exc:
            outcome.errors[item_id] = exc
            continue
        outcome.errors[item_id] = None
    return outcome
