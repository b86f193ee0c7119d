"""Incremental reads against the simulator: sort by what is bookmarked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .conftest import SandboxSetup


def ticket(ticket_id: int, created: str, updated: str) -> dict[str, object]:
    return {
        "id": ticket_id,
        "status": "open",
        "channel": "email",
        "customer": None,
        "tags": [],
        "created_datetime": created,
        "updated_datetime": updated,
    }


async def test_incremental_stops_after_crossing_page(account: SandboxSetup) -> None:
    days = [12, 11, 10, 9, 8]
    account.sandbox.seed_objects(
        tickets=[
            ticket(
                day, "2026-08-01T00:00:00+00:00", f"2026-08-{day:02d}T12:00:00+00:00"
            )
            for day in days
        ]
    )
    client = account.client(page_size=2)
    watermark = datetime(2026, 8, 10, tzinfo=UTC)
    pages = [
        page
        async for page in client.updated_since(
            "tickets", watermark, overlap=timedelta(0)
        )
    ]
    assert [[item.id for item in page.items] for page in pages] == [[12, 11], [10, 9]]
    assert pages[-1].is_last
    listed = account.requests("/api/tickets")
    assert len(listed) == 2
    for request in listed:
        assert request.query["order_by"] == ["updated_datetime:desc"]
        assert request.query["limit"] == ["2"]


async def test_incremental_finds_old_ticket_updated(account: SandboxSetup) -> None:
    fresh_unchanged = [
        ticket(100 + day, f"2026-08-{day:02d}T09:00:00+00:00", "2026-08-01T09:00:00")
        for day in range(1, 12)
    ]
    old_but_updated = ticket(7, "2025-01-05T10:00:00", "2026-08-12T08:00:00+00:00")
    account.sandbox.seed_objects(tickets=[*fresh_unchanged, old_but_updated])
    client = account.client(page_size=3)
    watermark = datetime(2026, 8, 5, tzinfo=UTC)
    found = [
        item.id
        async for page in client.updated_since("tickets", watermark)
        for item in page.items
    ]
    assert found[0] == 7
    assert len(account.requests("/api/tickets")) == 1


async def test_incremental_overlap_rereads_window(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        customers=[
            {"id": 1, "updated_datetime": "2026-08-10T00:03:00+00:00"},
            {"id": 2, "updated_datetime": "2026-08-09T23:58:00+00:00"},
            {"id": 3, "updated_datetime": "2026-08-09T23:50:00+00:00"},
        ]
    )
    client = account.client(page_size=1)
    watermark = datetime(2026, 8, 10, tzinfo=UTC)
    found = [
        item.id
        async for page in client.updated_since("customers", watermark)
        for item in page.items
    ]
    assert found == [1, 2, 3]
    assert len(account.requests("/api/customers")) == 3


async def test_events_since_filters_server_side(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        events=[
            {
                "id": event_id,
                "type": "ticket-closed",
                "object_type": "Ticket",
                "object_id": 50 + event_id,
                "data": None,
                "created_datetime": f"2026-08-{day:02d}T10:00:00+00:00",
            }
            for event_id, day in [(1, 3), (2, 9), (3, 10), (4, 11)]
        ]
    )
    client = account.client()
    watermark = datetime(2026, 8, 10, 10, 0, tzinfo=UTC)
    found = [
        item.id
        async for page in client.events_since(watermark, overlap=timedelta(0))
        for item in page.items
    ]
    assert found == [3, 4]
    query = account.requests("/api/events")[0].query
    assert query["order_by"] == ["created_datetime:asc"]
    assert query["created_datetime[gte]"] == ["2026-08-10T10:00:00+00:00"]


async def test_surveys_since_stops_on_created(account: SandboxSetup) -> None:
    account.sandbox.seed_objects(
        surveys=[
            {
                "id": survey_id,
                "ticket_id": 900 + survey_id,
                "score": None,
                "created_datetime": f"2026-08-{day:02d}T10:00:00+00:00",
            }
            for survey_id, day in [(1, 12), (2, 11), (3, 9), (4, 8), (5, 7)]
        ]
    )
    client = account.client(page_size=2)
    watermark = datetime(2026, 8, 10, tzinfo=UTC)
    found = [
        item.id
        async for page in client.surveys_since(watermark, overlap=timedelta(0))
        for item in page.items
    ]
    assert found == [1, 2, 3, 4]
    assert len(account.requests("/api/satisfaction-surveys")) == 2
