"""Python mutations change the account and record the matching events."""

from __future__ import annotations

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.gorgias import Conflict, GorgiasSandbox, InvalidRequest, NotFound

from .conftest import EMAIL, payload


@pytest.fixture
def account(sandbox: GorgiasSandbox) -> GorgiasSandbox:
    sandbox.seed_objects(users=[{**payload("user.json"), "email": EMAIL}])
    return sandbox


def event_types(sandbox: GorgiasSandbox) -> list[str]:
    events = sorted(sandbox.store["events"].values(), key=lambda e: e["id"])
    return [e["type"] for e in events]


def test_create_ticket_records_events(account: GorgiasSandbox) -> None:
    customer = account.create_customer(email="jane@example.com")
    ticket = account.create_ticket(customer["id"], subject="Hello", tags=["vip"])
    assert ticket["status"] == "open"
    assert [t["name"] for t in ticket["tags"]] == ["vip"]
    assert event_types(account) == [
        "customer-created",
        "tag-created",
        "ticket-created",
        "ticket-message-created",
    ]


def test_create_ticket_without_customer(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Anonymous", channel="chat")
    messages = account.store.ticket_messages(ticket["id"])
    assert ticket["customer"] is None
    assert messages[0]["sender"] is None


def test_create_ticket_unknown_customer(account: GorgiasSandbox) -> None:
    with pytest.raises(NotFound):
        account.create_ticket(12345, subject="Ghost")


def test_close_ticket_groups_events(account: GorgiasSandbox, clock: FakeClock) -> None:
    ticket = account.create_ticket(None, subject="Done soon")
    created_at = ticket["updated_datetime"]
    clock.advance(60)
    account.close_ticket(ticket["id"])
    closed = [
        e for e in account.store["events"].values() if e["type"] == "ticket-closed"
    ]
    updated = [
        e for e in account.store["events"].values() if e["type"] == "ticket-updated"
    ]
    assert ticket["status"] == "closed"
    assert ticket["closed_datetime"] is not None
    assert ticket["updated_datetime"] != created_at
    assert closed[0]["context"] == updated[0]["context"]
    assert closed[0]["user_id"] == payload("user.json")["id"]


def test_close_closed_ticket_rejected(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Twice")
    account.close_ticket(ticket["id"])
    with pytest.raises(InvalidRequest):
        account.close_ticket(ticket["id"])


def test_reopen_ticket(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Again")
    account.close_ticket(ticket["id"])
    account.reopen_ticket(ticket["id"])
    assert ticket["status"] == "open"
    assert ticket["closed_datetime"] is None
    assert event_types(account)[-2:] == ["ticket-updated", "ticket-reopened"]


def test_customer_reply_reopens_closed_ticket(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Closed")
    account.close_ticket(ticket["id"])
    account.add_message(ticket["id"], from_agent=False, body="Still broken")
    assert ticket["status"] == "open"
    assert "ticket-reopened" in event_types(account)


def test_agent_reply_and_note(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Question")
    reply = account.add_message(ticket["id"], from_agent=True, body="Answer")
    note = account.add_message(ticket["id"], from_agent=True, body="Psst", public=False)
    assert reply["public"] is True
    assert reply["sender"]["email"] == EMAIL
    assert note["channel"] == "internal-note"
    assert note["receiver"] is None
    assert ticket["last_message_datetime"] == reply["created_datetime"]


def test_tag_and_untag(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Tags")
    account.tag_ticket(ticket["id"], "refund")
    account.tag_ticket(ticket["id"], "Refund")
    tags = {t["name"]: t for t in account.store["tags"].values()}
    account.untag_ticket(ticket["id"], "refund")
    assert [t["name"] for t in ticket["tags"]] == ["Refund"]
    assert tags["refund"]["usage"] == 0
    assert tags["Refund"]["usage"] == 1
    assert "ticket-tags-removed" in event_types(account)


def test_untag_missing_tag(account: GorgiasSandbox) -> None:
    ticket = account.create_ticket(None, subject="Tags")
    with pytest.raises(NotFound):
        account.untag_ticket(ticket["id"], "never")


def test_survey_sent_then_answered(account: GorgiasSandbox, clock: FakeClock) -> None:
    customer = account.create_customer(email="jane@example.com")
    ticket = account.create_ticket(customer["id"], subject="Survey me")
    account.close_ticket(ticket["id"])
    survey = account.send_survey(ticket["id"])
    clock.advance(3 * 86400)
    account.answer_survey(ticket["id"], 5, body_text="Great")
    assert survey["customer_id"] == customer["id"]
    assert survey["score"] == 5
    assert survey["scored_datetime"] != survey["sent_datetime"]
    assert event_types(account)[-1] == "satisfaction-survey-responded"


def test_second_survey_conflicts(account: GorgiasSandbox) -> None:
    customer = account.create_customer(email="jane@example.com")
    ticket = account.create_ticket(customer["id"], subject="Once")
    account.send_survey(ticket["id"])
    with pytest.raises(Conflict):
        account.send_survey(ticket["id"])


@pytest.mark.parametrize("score", [0, 6, True])
def test_survey_score_bounds(account: GorgiasSandbox, score: int) -> None:
    customer = account.create_customer(email="jane@example.com")
    ticket = account.create_ticket(customer["id"], subject="Score")
    survey = account.send_survey(ticket["id"], sent=False)
    with pytest.raises(InvalidRequest):
        account.answer_survey(survey["id"], score)


async def test_deleted_ticket_is_404(
    account: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    ticket = account.create_ticket(None, subject="Bye")
    account.delete_ticket(ticket["id"])
    response = await client.get(f"/api/tickets/{ticket['id']}")
    messages = await client.get("/api/messages")
    assert response.status_code == 404
    assert messages.json()["data"] == []
    assert event_types(account)[-1] == "ticket-deleted"


async def test_mutations_visible_through_api(
    account: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    customer = account.create_customer(email="jane@example.com", name="Jane")
    ticket = account.create_ticket(customer["id"], subject="Seen over HTTP")
    account.add_message(ticket["id"], from_agent=True, body="Hi Jane")
    detail = (await client.get(f"/api/tickets/{ticket['id']}")).json()
    listed = (
        await client.get("/api/tickets", params={"order_by": "updated_datetime:desc"})
    ).json()
    assert len(detail["messages"]) == 2
    assert listed["data"][0]["id"] == ticket["id"]


async def test_update_customer_shows_in_ticket(
    account: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    customer = account.create_customer(email="jane@example.com", name="Jane")
    ticket = account.create_ticket(customer["id"], subject="Rename")
    account.update_customer(customer["id"], name="Jane Renamed")
    rendered = (await client.get(f"/api/tickets/{ticket['id']}")).json()
    assert rendered["customer"]["name"] == "Jane Renamed"
