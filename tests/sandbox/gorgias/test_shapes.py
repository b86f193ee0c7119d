"""Generated objects and API responses have the keys and types of real payloads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tajo.sandbox.gorgias import AccountData, GorgiasSandbox, generate_account

from .conftest import EMAIL, NOW, payload
from .shapes import shape_mismatches


@pytest.fixture(scope="module")
def data() -> AccountData:
    return generate_account(11, customers=300, tickets=600, surveys=120, now=NOW)


def first(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    for item in items:
        if all(item.get(k) == v for k, v in match.items()):
            return item
    raise AssertionError(f"no generated object matches {match}")


def test_generated_customer_with_email_shape(data: AccountData) -> None:
    customer = next(c for c in data.customers if c["email"] and c["integrations"])
    assert shape_mismatches(customer, payload("customer.json")) == []


def test_generated_customer_without_email_shape(data: AccountData) -> None:
    customer = first(data.customers, email=None)
    assert shape_mismatches(customer, payload("customer_no_email.json")) == []


@pytest.mark.parametrize(
    ("kind", "example"),
    [
        ("closed", "ticket.json"),
        ("spam", "ticket_spam_trashed.json"),
    ],
    ids=["closed", "spam"],
)
def test_generated_ticket_shape(data: AccountData, kind: str, example: str) -> None:
    if kind == "spam":
        ticket = first(data.tickets, spam=True)
    else:
        ticket = next(
            t
            for t in data.tickets
            if t["status"] == "closed" and t["customer"] and t["satisfaction_survey"]
        )
    assert shape_mismatches(ticket, payload(example)) == []


@pytest.mark.parametrize(
    ("match", "example"),
    [
        ({"from_agent": True, "public": True}, "ticket_message.json"),
        ({"from_agent": False}, "ticket_message_incoming.json"),
        ({"public": False}, "ticket_message_internal_note.json"),
    ],
    ids=["agent-reply", "incoming", "internal-note"],
)
def test_generated_message_shape(
    data: AccountData, match: dict[str, Any], example: str
) -> None:
    message = (
        first(data.messages, channel="email", **match)
        if match.get("public", True)
        else first(data.messages, **match)
    )
    assert shape_mismatches(message, payload(example)) == []


@pytest.mark.parametrize(
    ("scored", "example"),
    [(True, "satisfaction_survey.json"), (False, "satisfaction_survey_unsent.json")],
    ids=["scored", "unsent"],
)
def test_generated_survey_shape(data: AccountData, scored: bool, example: str) -> None:
    if scored:
        survey = next(s for s in data.surveys if s["score"] is not None)
    else:
        survey = next(s for s in data.surveys if s["sent_datetime"] is None)
    assert shape_mismatches(survey, payload(example)) == []


@pytest.mark.parametrize(
    ("event_type", "example"),
    [
        ("ticket-created", "event_ticket_created.json"),
        ("ticket-closed", "event_ticket_closed.json"),
        ("ticket-updated", "event_ticket_updated.json"),
        ("macro-applied", "event_macro_applied.json"),
    ],
)
def test_generated_event_shape(
    data: AccountData, event_type: str, example: str
) -> None:
    event = first(data.events, type=event_type)
    assert shape_mismatches(event, payload(example)) == []


def test_generated_catalogue_shapes(data: AccountData) -> None:
    cases = [
        (data.tags[0], "tag.json"),
        (data.users[0], "user.json"),
        (data.macros[0], "macro.json"),
        (data.rules[0], "rule.json"),
        (data.custom_fields[0], "custom_field_definition.json"),
    ]
    for obj, example in cases:
        assert shape_mismatches(obj, payload(example)) == [], example


def test_generated_custom_field_values_shape(data: AccountData) -> None:
    values = next(v for v in data.customer_custom_field_values.values() if len(v) > 1)
    assert (
        shape_mismatches({"data": values}, payload("customer_custom_fields.json")) == []
    )


async def test_api_ticket_detail_shape(gclient: httpx.AsyncClient) -> None:
    listed = (await gclient.get("/api/tickets", params={"limit": 1})).json()
    ticket_id = listed["data"][0]["id"]
    detail = (await gclient.get(f"/api/tickets/{ticket_id}")).json()
    assert shape_mismatches(detail, payload("ticket.json")) == []


async def test_api_ticket_list_items_omit_messages(gclient: httpx.AsyncClient) -> None:
    listed = (await gclient.get("/api/tickets")).json()
    expected = {k: v for k, v in payload("ticket.json").items() if k != "messages"}
    for ticket in listed["data"]:
        assert shape_mismatches(ticket, expected) == []


async def test_api_envelope_shape(gclient: httpx.AsyncClient) -> None:
    body = (await gclient.get("/api/customers", params={"limit": 2})).json()
    example = payload("list_envelope.json")
    assert set(body) == set(example)
    assert set(body["meta"]) == set(example["meta"])
    assert body["object"] == "list"
    assert body["uri"] == "/api/customers"


async def test_api_events_envelope_shape(gclient: httpx.AsyncClient) -> None:
    body = (await gclient.get("/api/events", params={"limit": 5})).json()
    assert shape_mismatches(body, payload("list_events_envelope.json")) == []


async def test_api_created_customer_shape(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/customers", json={"email": "jane.doe@example.com", "name": "Jane Doe"}
    )
    assert response.status_code == 201
    assert shape_mismatches(response.json(), payload("customer.json")) == []


async def test_api_created_integration_shape(client: httpx.AsyncClient) -> None:
    example = payload("integration_http.json")
    body = {k: example[k] for k in ("type", "name", "description")}
    body["http"] = {k: v for k, v in example["http"].items() if k != "id"}
    response = await client.post("/api/integrations", json=body)
    assert response.status_code == 201
    created = response.json()
    assert shape_mismatches(created, example) == []
    assert set(example["http"]["triggers"]) <= set(created["http"]["triggers"])


def test_mutation_objects_shape(sandbox: GorgiasSandbox) -> None:
    sandbox.seed_objects(users=[{**payload("user.json"), "email": EMAIL}])
    customer = sandbox.create_customer(email="jane.doe@example.com", name="Jane Doe")
    ticket = sandbox.create_ticket(customer["id"], subject="Where is my order?")
    reply = sandbox.add_message(ticket["id"], from_agent=True, body="On its way.")
    sandbox.close_ticket(ticket["id"])
    survey = sandbox.send_survey(ticket["id"])
    assert shape_mismatches(ticket, payload("ticket.json")) == []
    assert shape_mismatches(reply, payload("ticket_message.json")) == []
    assert shape_mismatches(survey, payload("satisfaction_survey_unsent.json")) == []
