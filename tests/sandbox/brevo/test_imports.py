"""Asynchronous contact imports and processes in the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]
ClientFactory = Callable[..., httpx.AsyncClient]
SandboxFactory = Callable[..., BrevoSandbox]


async def _import(client: httpx.AsyncClient, body: dict[str, Any]) -> int:
    response = await client.post("/v3/contacts/import", json=body)
    assert response.status_code == 202, response.text
    process_id: int = response.json()["processId"]
    return process_id


async def _status(client: httpx.AsyncClient, process_id: int) -> str:
    response = await client.get(f"/v3/processes/{process_id}")
    status: str = response.json()["status"]
    return status


async def test_import_returns_process_id(
    client: httpx.AsyncClient, reference: Loader
) -> None:
    response = await client.post(
        "/v3/contacts/import", json=reference("import_request")["body"]
    )
    assert response.status_code == 202
    assert response.json() == {"processId": 1}


async def test_import_applies_only_when_completed(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    process_id = await _import(client, reference("import_request")["body"])
    first = await _status(client, process_id)
    before = len(sandbox.state()["contacts"])
    second = await _status(client, process_id)
    assert first == "queued"
    assert before == 0
    assert second == "completed"
    assert len(sandbox.state()["contacts"]) == 3


async def test_import_passes_through_in_process(
    new_sandbox: SandboxFactory, make_client: ClientFactory, reference: Loader
) -> None:
    client = make_client(new_sandbox(import_polls_to_complete=3))
    process_id = await _import(client, reference("import_request")["body"])
    statuses = [await _status(client, process_id) for _ in range(4)]
    assert statuses == ["queued", "in_process", "completed", "completed"]


async def test_import_completes_after_clock_seconds(
    client: httpx.AsyncClient,
    sandbox: BrevoSandbox,
    clock: FakeClock,
    reference: Loader,
) -> None:
    await _import(client, reference("import_request")["body"])
    clock.advance(30)
    assert len(sandbox.state()["contacts"]) == 3


async def test_import_with_zero_polls_completes_at_once(
    new_sandbox: SandboxFactory, make_client: ClientFactory, reference: Loader
) -> None:
    sandbox = new_sandbox(import_polls_to_complete=0)
    client = make_client(sandbox)
    await _import(client, reference("import_request")["body"])
    assert len(sandbox.state()["contacts"]) == 3


async def test_import_rows_follow_contact_rules(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    process_id = await _import(client, reference("import_request")["body"])
    await _status(client, process_id)
    await _status(client, process_id)
    sms_only = sandbox.find_contact(ext_id="gorgias-customer-58214")
    jane = sandbox.find_contact(email="jane.doe@example.com")
    assert sms_only is not None
    assert sms_only["email"] is None
    assert sms_only["attributes"]["SMS"] == "33639980012"
    assert sms_only["listIds"] == [7]
    assert jane is not None
    assert jane["attributes"]["TICKET_COUNT"] == 4


async def test_import_reports_clashing_ext_id(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(
        contacts=[{"email": "other@example.com", "ext_id": "gorgias-customer-58213"}]
    )
    process_id = await _import(client, reference("import_request")["body"])
    await _status(client, process_id)
    response = await client.get(f"/v3/processes/{process_id}")
    report = response.json()["info"]["import"]
    assert report["duplicate_ext_id"].endswith(f"/{process_id}/duplicate_ext_id.csv")
    assert report["duplicate_email_id"] is None
    assert sandbox.find_contact(email="jane.doe@example.com") is None


async def test_import_report_csv_downloadable(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(
        contacts=[{"email": "other@example.com", "ext_id": "gorgias-customer-58213"}]
    )
    process_id = await _import(client, reference("import_request")["body"])
    await _status(client, process_id)
    url = (await client.get(f"/v3/processes/{process_id}")).json()["info"]["import"][
        "duplicate_ext_id"
    ]
    response = await client.get(url, headers={"api-key": ""})
    assert response.status_code == 200
    assert "jane.doe@example.com" in response.text


async def test_import_reports_repeated_rows_and_invalid_emails(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    rows = [
        {"email": "a@example.com", "attributes": {}},
        {"email": "A@example.com", "attributes": {"FIRSTNAME": "Twice"}},
        {"email": "not-an-email", "attributes": {}},
        {"attributes": {"FIRSTNAME": "No identifier"}},
    ]
    process_id = await _import(client, {"jsonBody": rows, "listIds": [7]})
    await _status(client, process_id)
    report = (await client.get(f"/v3/processes/{process_id}")).json()["info"]["import"]
    process = sandbox.state()["processes"][0]
    assert report["duplicate_email_id"] is not None
    assert report["invalid_emails"] is not None
    assert len(process["rejected_rows"]) == 1
    assert [c["email"] for c in sandbox.state()["contacts"]] == ["a@example.com"]


async def test_import_without_update_keeps_existing(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(
        contacts=[{"email": "a@example.com", "attributes": {"FIRSTNAME": "Old"}}]
    )
    process_id = await _import(
        client,
        {
            "jsonBody": [
                {"email": "a@example.com", "attributes": {"FIRSTNAME": "New"}}
            ],
            "listIds": [7],
            "updateExistingContacts": False,
        },
    )
    await _status(client, process_id)
    await _status(client, process_id)
    contact = sandbox.find_contact(email="a@example.com")
    assert contact is not None
    assert contact["attributes"]["FIRSTNAME"] == "Old"
    assert contact["listIds"] == []


@pytest.mark.parametrize(("empty", "expected"), [(False, "Old"), (True, None)])
async def test_import_empty_values_erase_only_when_asked(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, empty: bool, expected: str | None
) -> None:
    sandbox.seed(
        contacts=[{"email": "a@example.com", "attributes": {"FIRSTNAME": "Old"}}]
    )
    process_id = await _import(
        client,
        {
            "jsonBody": [{"email": "a@example.com", "attributes": {"FIRSTNAME": ""}}],
            "listIds": [7],
            "emptyContactsAttributes": empty,
        },
    )
    await _status(client, process_id)
    await _status(client, process_id)
    contact = sandbox.find_contact(email="a@example.com")
    assert contact is not None
    assert contact["attributes"].get("FIRSTNAME") == expected


async def test_import_csv_file_body(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    csv_text = (
        "EMAIL;FIRSTNAME;TICKET_COUNT;VIP;LAST_SUPPORT_DATE;EXT_ID\n"
        "a@example.com;Ann;3;true;2026-10-14;g-1\n"
        "b@example.com;Bob;many;yes;14/10/2026;g-2\n"
    )
    process_id = await _import(client, {"fileBody": csv_text, "listIds": [7]})
    await _status(client, process_id)
    await _status(client, process_id)
    ann = sandbox.find_contact(ext_id="g-1")
    bob = sandbox.find_contact(ext_id="g-2")
    assert ann is not None
    assert ann["attributes"]["TICKET_COUNT"] == 3
    assert ann["attributes"]["VIP"] is True
    assert ann["attributes"]["LAST_SUPPORT_DATE"] == "2026-10-14"
    assert bob is not None
    assert bob["attributes"] == {"FIRSTNAME": "Bob", "EXT_ID": "g-2"}


async def test_import_new_list_created(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await _import(
        client,
        {
            "jsonBody": [{"email": "a@example.com"}],
            "newList": {"listName": "Imported", "folderId": 1},
        },
    )
    assert sandbox.state()["lists"][-1]["name"] == "Imported"


@pytest.mark.parametrize(
    "body",
    [
        {"jsonBody": [{"email": "a@example.com"}]},
        {"listIds": [7]},
        {"jsonBody": [], "listIds": [7]},
        {"fileUrl": "https://files.example.com/a.csv", "listIds": [7]},
        {
            "jsonBody": [{"email": "a@example.com"}],
            "fileBody": "EMAIL\n",
            "listIds": [7],
        },
        {"jsonBody": [{"email": "a@example.com"}], "listIds": [99]},
        {
            "jsonBody": [{"email": "a@example.com"}],
            "listIds": [7],
            "emailBlacklist": "no",
        },
    ],
    ids=[
        "no-list",
        "no-source",
        "empty-rows",
        "file-url",
        "two-sources",
        "unknown-list",
        "flag-not-bool",
    ],
)
async def test_import_rejects_bad_request(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/v3/contacts/import", json=body)
    assert response.status_code == 400


async def test_import_over_10_mb_rejected(client: httpx.AsyncClient) -> None:
    row = {"email": "a@example.com", "attributes": {"FIRSTNAME": "x" * 1000}}
    body = {"jsonBody": [row] * 10_000, "listIds": [7]}
    response = await client.post("/v3/contacts/import", json=body)
    assert response.status_code == 400
    assert "10 MB" in response.json()["message"]


async def test_unknown_process_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/processes/404")
    assert response.status_code == 404
    assert response.json()["code"] == "document_not_found"
