"""First-response times merged from message pages in any order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tajo.gorgias import TicketMessage
from tajo.store.sync_repo import ResponseTimes
from tajo.sync.responses import merge_messages, response_seconds

T0 = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)


def message(message_id: int, minutes: float, **fields: Any) -> TicketMessage:
    values: dict[str, Any] = {
        "id": message_id,
        "ticket_id": 7,
        "public": True,
        "from_agent": False,
        "created_datetime": (T0 + timedelta(minutes=minutes)).isoformat(),
    }
    values.update(fields)
    return TicketMessage.model_validate(values)


def merged(*pages: list[TicketMessage]) -> ResponseTimes:
    stored: dict[int, ResponseTimes] = {}
    for page in pages:
        stored.update(merge_messages(stored, page))
    return stored[7]


def test_merge_newest_page_first_keeps_first_reply() -> None:
    newest = [message(3, 50), message(2, 30, from_agent=True)]
    oldest = [message(1, 0)]

    times = merged(newest, oldest)

    assert response_seconds(times) == 30 * 60


def test_merge_ignores_notes_and_rule_replies() -> None:
    page = [
        message(1, 0),
        message(2, 1, from_agent=True, rule_id=5, via="rule"),
        message(3, 2, from_agent=True, public=False),
        message(4, 45, from_agent=True),
    ]

    assert response_seconds(merged(page)) == 45 * 60


def test_merge_agent_first_has_no_response_time() -> None:
    page = [message(1, 0, from_agent=True), message(2, 10)]

    assert response_seconds(merged(page)) is None


def test_merge_unchanged_page_reports_nothing() -> None:
    page = [message(1, 0), message(2, 5, from_agent=True)]
    stored = merge_messages({}, page)

    assert merge_messages(stored, page) == {}
