"""Custom events and event batches in the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]

JANE = {"email": "jane.doe@example.com", "ext_id": "gorgias-customer-58213", "id": 1042}
VALID = {"event_name": "SUPPORT_TICKET_OPENED", "identifiers": {"ext_id": "g-1"}}


async def test_event_returns_204(client: httpx.AsyncClient, reference: Loader) -> None:
    response = await client.post("/v3/events", json=reference("event_request")["body"])
    assert response.status_code == 204
    assert response.content == b""


async def test_event_recorded_with_contact_and_date(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(contacts=[JANE])
    body = reference("event_request")["body"]
    await client.post("/v3/events", json=body)
    event = sandbox.state()["events"][0]
    assert event["event_name"] == "SUPPORT_TICKET_OPENED"
    assert event["event_date"] == "2026-10-14T09:12:44+02:00"
    assert event["identifiers"] == body["identifiers"]
    assert event["event_properties"] == body["event_properties"]
    assert event["contact_id"] == 1042


async def test_event_contact_properties_update_contact(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(contacts=[JANE])
    await client.post("/v3/events", json=reference("event_csat_request")["body"])
    contact = sandbox.find_contact(contact_id=1042)
    assert contact is not None
    assert contact["attributes"]["CSAT_SCORE"] == 5


async def test_event_contact_properties_dropped_by_type(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[JANE])
    await client.post(
        "/v3/events",
        json={
            "event_name": "CSAT_SUBMITTED",
            "identifiers": {"contact_id": 1042},
            "contact_properties": {
                "CSAT_SCORE": "5",
                "UNKNOWN": 1,
                "SMS": "+447700900123",
            },
        },
    )
    contact = sandbox.find_contact(contact_id=1042)
    assert contact is not None
    assert contact["attributes"] == {"EXT_ID": "gorgias-customer-58213"}


async def test_event_for_unknown_contact_recorded_without_contact(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    response = await client.post(
        "/v3/events",
        json={**VALID, "contact_properties": {"FIRSTNAME": "Ghost"}},
    )
    state = sandbox.state()
    assert response.status_code == 204
    assert state["events"][0]["contact_id"] is None
    assert state["contacts"] == []


async def test_event_without_date_gets_arrival_time(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.post("/v3/events", json=VALID)
    assert sandbox.state()["events"][0]["event_date"] == "2026-08-12T12:00:00Z"


async def test_event_contact_id_wins_over_email(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[JANE, {"email": "sam@example.com", "id": 7}])
    await client.post(
        "/v3/events",
        json={
            "event_name": "X",
            "identifiers": {"contact_id": 7, "email_id": "jane.doe@example.com"},
        },
    )
    assert sandbox.state()["events"][0]["contact_id"] == 7


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"event_name": None}, "missing_parameter"),
        ({"event_name": "SUPPORT TICKET"}, "invalid_parameter"),
        ({"event_name": "É"}, "invalid_parameter"),
        ({"event_name": "A" * 256}, "invalid_parameter"),
        ({"identifiers": None}, "missing_parameter"),
        ({"identifiers": {}}, "invalid_parameter"),
        ({"identifiers": {"customer_id": "1"}}, "invalid_parameter"),
        ({"identifiers": {"contact_id": "1042"}}, "invalid_parameter"),
        ({"identifiers": {"phone_id": "07700900123"}}, "invalid_parameter"),
        ({"identifiers": {"email_id": "jane"}}, "invalid_parameter"),
        ({"event_date": "2026-10-14T09:12:44"}, "invalid_parameter"),
        ({"event_date": "2026-10-14"}, "invalid_parameter"),
        ({"event_date": "yesterday"}, "invalid_parameter"),
        ({"contact_properties": {"CSAT_SCORE": 4.5}}, "invalid_parameter"),
        ({"contact_properties": {"TAGS": ["a"]}}, "invalid_parameter"),
        ({"event_properties": {"bad key": 1}}, "invalid_parameter"),
        ({"event_properties": {"k": None}}, "invalid_parameter"),
        ({"event_properties": {"k": "x" * 52_000}}, "invalid_parameter"),
    ],
    ids=[
        "name-missing",
        "name-space",
        "name-accent",
        "name-too-long",
        "identifiers-missing",
        "identifiers-empty",
        "identifier-unknown",
        "contact-id-string",
        "phone-national",
        "email-invalid",
        "date-naive",
        "date-only",
        "date-text",
        "contact-property-float",
        "contact-property-list",
        "property-key-space",
        "property-null",
        "properties-over-50kb",
    ],
)
async def test_invalid_event_rejected(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, change: dict[str, Any], code: str
) -> None:
    body = {**VALID, **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = await client.post("/v3/events", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert sandbox.state()["events"] == []


async def test_event_accepts_name_of_255_chars(client: httpx.AsyncClient) -> None:
    response = await client.post("/v3/events", json={**VALID, "event_name": "A" * 255})
    assert response.status_code == 204


async def test_batch_all_valid_is_202(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    response = await client.post(
        "/v3/events/batch", json=reference("events_batch_request")["body"]
    )
    assert response.status_code == 202
    assert response.json() == reference("events_batch_response_202")["body"]
    assert len(sandbox.state()["events"]) == 2


async def test_batch_partial_is_207(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    events = reference("events_batch_request")["body"]["events"]
    broken = {**events[1], "event_name": "SUPPORT TICKET OPENED"}
    response = await client.post(
        "/v3/events/batch", json={"events": [events[0], broken]}
    )
    assert response.status_code == 207
    assert response.json() == reference("events_batch_response_207")["body"]
    assert [e["event_name"] for e in sandbox.state()["events"]] == [
        "SUPPORT_TICKET_RESOLVED"
    ]


async def test_batch_groups_same_error(client: httpx.AsyncClient) -> None:
    bad = {**VALID, "event_name": "bad name"}
    response = await client.post("/v3/events/batch", json={"events": [bad, VALID, bad]})
    assert response.json()["errors"] == [
        {"eventIndex": [0, 2], "message": "event_name contains invalid characters"}
    ]


async def test_batch_none_valid_is_400(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    bad = {**VALID, "event_name": "bad name"}
    response = await client.post("/v3/events/batch", json={"events": [bad, bad]})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
    assert sandbox.state()["events"] == []


@pytest.mark.parametrize(
    "body", [{}, {"events": []}, {"events": {}}], ids=["missing", "empty", "object"]
)
async def test_batch_rejects_bad_envelope(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/v3/events/batch", json=body)
    assert response.status_code == 400


async def test_events_kept_in_arrival_order(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    for name in ("FIRST", "SECOND", "THIRD"):
        await client.post("/v3/events", json={**VALID, "event_name": name})
    names = [event["event_name"] for event in sandbox.state()["events"]]
    assert names == ["FIRST", "SECOND", "THIRD"]
