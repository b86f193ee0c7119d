from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tajo.brevo import BrevoClient, BrevoEvent, EmailRecipient

SECOND = datetime(2026, 8, 12, 14, 5, 9, tzinfo=UTC)


async def test_three_events_same_second_keep_identity(
    brevo: BrevoClient, sandbox: Any
) -> None:
    emails = ["ann@example.com", "bob@example.com", "cat@example.com"]
    sandbox.seed(contacts=[{"email": email} for email in emails])
    for offset, email in enumerate(emails):
        await brevo.send_event(
            BrevoEvent(
                name="SUPPORT_TICKET_RESOLVED",
                identifiers={"email_id": email},
                occurred_at=SECOND + timedelta(milliseconds=offset),
                event_properties={"ticket_id": str(100 + offset)},
            )
        )
    events = sandbox.state()["events"]
    contact_ids = {c["email"]: c["id"] for c in sandbox.state()["contacts"]}
    assert [e["identifiers"] for e in events] == [{"email_id": e} for e in emails]
    assert [e["contact_id"] for e in events] == [contact_ids[e] for e in emails]
    assert [datetime.fromisoformat(e["event_date"]) for e in events] == [
        SECOND + timedelta(milliseconds=offset) for offset in range(3)
    ]
    assert [e["event_properties"]["ticket_id"] for e in events] == ["100", "101", "102"]


async def test_event_date_keeps_offset(
    brevo: BrevoClient, sent_requests: list[Any]
) -> None:
    paris = timezone(timedelta(hours=2))
    await brevo.send_event(
        BrevoEvent(
            name="CSAT_SUBMITTED",
            identifiers={"ext_id": "gorgias-customer-58213"},
            occurred_at=datetime(2026, 10, 16, 18, 40, tzinfo=paris),
            contact_properties={"CSAT_SCORE": 5},
        )
    )
    body = sent_requests[0].json()
    assert body["event_date"] == "2026-10-16T18:40:00+02:00"
    assert body["contact_properties"] == {"CSAT_SCORE": 5}


async def test_event_naive_date_rejected(brevo: BrevoClient) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        await brevo.send_event(
            BrevoEvent(
                name="X",
                identifiers={"ext_id": "1"},
                occurred_at=datetime(2026, 1, 1),  # noqa: DTZ001 - the case under test
            )
        )


async def test_event_without_identifier_rejected(brevo: BrevoClient) -> None:
    with pytest.raises(ValueError, match="no identifier"):
        await brevo.send_event(BrevoEvent(name="X", identifiers={}))


async def test_batch_all_accepted(brevo: BrevoClient, sandbox: Any) -> None:
    events = [
        BrevoEvent(
            name="SUPPORT_TICKET_OPENED",
            identifiers={"ext_id": f"gorgias-{i}"},
            occurred_at=SECOND,
        )
        for i in range(3)
    ]
    result = await brevo.send_events(events)
    assert result.status == 202
    assert result.ok
    assert result.accepted == (0, 1, 2)
    assert len(sandbox.state()["events"]) == 3


async def test_batch_207_failures_by_index(brevo: BrevoClient, sandbox: Any) -> None:
    events = [
        BrevoEvent(name="SUPPORT_TICKET_OPENED", identifiers={"ext_id": "gorgias-1"}),
        BrevoEvent(name="SUPPORT_TICKET_OPENED", identifiers={"email_id": "not-email"}),
        BrevoEvent(name="SUPPORT_TICKET_OPENED", identifiers={"ext_id": "gorgias-3"}),
    ]
    result = await brevo.send_events(events)
    recorded = [e["identifiers"] for e in sandbox.state()["events"]]
    assert result.status == 207
    assert list(result.failed) == [1]
    assert result.accepted == (0, 2)
    assert recorded == [{"ext_id": "gorgias-1"}, {"ext_id": "gorgias-3"}]


async def test_batch_empty_sends_nothing(
    brevo: BrevoClient, sent_requests: list[Any]
) -> None:
    result = await brevo.send_events([])
    assert result.total == 0
    assert sent_requests == []


async def test_template_email_sent(brevo: BrevoClient, sandbox: Any) -> None:
    message_id = await brevo.send_template_email(
        12,
        [EmailRecipient("jane@example.com", "Jane")],
        params={"agent": "Sam", "subject": "Parcel arrived damaged"},
    )
    emails = sandbox.state()["emails"]
    assert isinstance(message_id, str)
    assert len(emails) == 1
    assert emails[0]["templateId"] == 12
    assert emails[0]["params"] == {"agent": "Sam", "subject": "Parcel arrived damaged"}


async def test_template_email_needs_recipient(brevo: BrevoClient) -> None:
    with pytest.raises(ValueError, match="template_id=12"):
        await brevo.send_template_email(12, [])


async def test_account_read(brevo: BrevoClient) -> None:
    account = await brevo.get_account()
    assert account.raw
