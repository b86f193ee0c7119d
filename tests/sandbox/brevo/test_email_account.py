"""Transactional email and account routes of the Brevo simulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tajo.sandbox.brevo import BrevoSandbox

TEMPLATE_EMAIL = {
    "templateId": 12,
    "to": [{"email": "Jane.Doe@example.com", "name": "Jane"}],
    "params": {"agent": "Sam", "subject": "Parcel arrived damaged"},
}


async def test_template_email_returns_message_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/v3/smtp/email", json=TEMPLATE_EMAIL)
    assert response.status_code == 201
    assert response.json()["messageId"].startswith("<20260812120000.")


async def test_template_email_recorded(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.post("/v3/smtp/email", json=TEMPLATE_EMAIL)
    email = sandbox.state()["emails"][0]
    assert email["templateId"] == 12
    assert email["to"] == [{"email": "jane.doe@example.com", "name": "Jane"}]
    assert email["params"] == TEMPLATE_EMAIL["params"]


async def test_message_ids_unique(client: httpx.AsyncClient) -> None:
    first = await client.post("/v3/smtp/email", json=TEMPLATE_EMAIL)
    second = await client.post("/v3/smtp/email", json=TEMPLATE_EMAIL)
    assert first.json()["messageId"] != second.json()["messageId"]


@pytest.mark.parametrize(
    "change",
    [
        {"to": None},
        {"to": []},
        {"to": [{"email": "not-an-email"}]},
        {"templateId": "12"},
        {"templateId": None},
        {"params": ["a"]},
    ],
    ids=[
        "no-to",
        "empty-to",
        "bad-email",
        "template-string",
        "no-content",
        "params-list",
    ],
)
async def test_invalid_email_request_rejected(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, change: dict[str, Any]
) -> None:
    body = {**TEMPLATE_EMAIL, **change}
    body = {key: value for key, value in body.items() if value is not None}
    response = await client.post("/v3/smtp/email", json=body)
    assert response.status_code == 400
    assert sandbox.state()["emails"] == []


async def test_email_with_inline_content(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v3/smtp/email",
        json={
            "sender": {"email": "support@example.com"},
            "to": [{"email": "jane@example.com"}],
            "subject": "Thanks",
            "htmlContent": "<p>Thanks</p>",
        },
    )
    assert response.status_code == 201


async def test_account_lists_plan(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/account")
    body = response.json()
    assert response.status_code == 200
    assert body["plan"][0]["creditsType"] == "sendLimit"
    assert body["marketingAutomation"]["enabled"] is True
