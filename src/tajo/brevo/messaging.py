"""Custom events and transactional email endpoints of the Brevo client.

None of these calls is resent after a 5xx or a dropped connection: Brevo may
have recorded the event or sent the email, and a second one may start a
workflow or mail the customer twice. The caller's outbox decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tajo.brevo.models import BatchEventsResult, BrevoEvent, EmailRecipient
from tajo.brevo.session import BrevoSession


class MessagingApi:
    """`POST /events`, `POST /events/batch` and `POST /smtp/email`."""

    session: BrevoSession

    async def send_event(self, event: BrevoEvent) -> None:
        """Send one custom event; any 2xx is success.

        Raises:
            ValueError: the event has no identifier or a naive date.
            ApiError: Brevo rejected the event or sent no response.
        """
        await self.session.request("POST", "/events", body=event.to_json())

    async def send_events(self, events: Sequence[BrevoEvent]) -> BatchEventsResult:
        """Send several events in one `POST /events/batch` call.

        A 207 lists failed events by their index in `events`; the others were
        queued.

        Raises:
            ValueError: an event has no identifier or a naive date.
            ApiError: Brevo rejected the whole batch or sent no response.
        """
        if not events:
            return BatchEventsResult(status=202, total=0)
        body = {"events": [event.to_json() for event in events]}
        response = await self.session.request("POST", "/events/batch", body=body)
        if response.status != 207:
            return BatchEventsResult(status=response.status, total=len(events))
        data = response.data if isinstance(response.data, dict) else {}
        failed = _failed_indexes(data, len(events))
        if not failed and data.get("failed_events"):
            # NOTE: a 207 that counts failures without naming them cannot be
            # traced to events, so every event is reported as failed.
            failed = {index: "failed without an index" for index in range(len(events))}
        return BatchEventsResult(status=207, total=len(events), failed=failed)

    async def send_template_email(
        self,
        template_id: int,
        to: Sequence[EmailRecipient],
        *,
        params: Mapping[str, object] | None = None,
    ) -> str | None:
        """Send a transactional email from a template; return Brevo's message id.

        Raises:
            ValueError: `to` is empty.
            ApiError: Brevo rejected the email or sent no response.
        """
        if not to:
            raise ValueError(
                f"transactional email has no recipient: template_id={template_id}; "
                "expected at least one address in to"
            )
        recipients: list[dict[str, str]] = []
        for recipient in to:
            entry = {"email": recipient.email}
            if recipient.name:
                entry["name"] = recipient.name
            recipients.append(entry)
        body: dict[str, object] = {"templateId": int(template_id), "to": recipients}
        if params:
            body["params"] = dict(params)
        response = await self.session.request("POST", "/smtp/email", body=body)
        data = response.data if isinstance(response.data, dict) else {}
        message_id = data.get("messageId")
        return message_id if isinstance(message_id, str) else None


def _failed_indexes(data: Mapping[str, object], total: int) -> dict[int, str]:
    # `errors` is [{"eventIndex": [int, ...], "message": str}, ...].
    failed: dict[int, str] = {}
    errors = data.get("errors")
    for entry in errors if isinstance(errors, list) else []:
        if not isinstance(entry, dict):
            continue
        indexes = entry.get("eventIndex")
        if isinstance(indexes, int):
            indexes = [indexes]
        message = str(entry.get("message", "rejected by Brevo"))
        for index in indexes if isinstance(indexes, list) else []:
            if isinstance(index, int) and 0 <= index < total:
                failed[index] = message
    return failed
