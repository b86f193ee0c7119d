"""Contact create, upsert, update and read against the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]
ClientFactory = Callable[..., httpx.AsyncClient]
SandboxFactory = Callable[..., BrevoSandbox]

JANE = {"email": "jane.doe@example.com", "ext_id": "gorgias-customer-58213"}


async def _create(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/v3/contacts", json=body)


async def test_create_returns_201_with_id(
    reference: Loader, client: httpx.AsyncClient
) -> None:
    response = await _create(client, reference("create_contact_request")["body"])
    assert response.status_code == 201
    assert response.json() == {"id": 1}


async def test_create_stores_fields(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await _create(client, reference("create_contact_request")["body"])
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert contact is not None
    assert contact["ext_id"] == "gorgias-customer-58213"
    assert contact["attributes"]["SMS"] == "447700900123"
    assert contact["attributes"]["CSAT_SCORE"] == 4.5
    assert contact["attributes"]["VIP"] is False
    assert contact["listIds"] == [7]
    assert contact["createdAt"] == "2026-08-12T12:00:00Z"


async def test_upsert_existing_returns_204(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, clock: FakeClock
) -> None:
    await _create(client, {**JANE, "attributes": {"FIRSTNAME": "Jane"}})
    clock.advance(60)
    response = await _create(
        client,
        {
            "email": "jane.doe@example.com",
            "attributes": {"LASTNAME": "Doe"},
            "updateEnabled": True,
        },
    )
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert response.status_code == 204
    assert response.content == b""
    assert contact is not None
    assert contact["attributes"]["FIRSTNAME"] == "Jane"
    assert contact["attributes"]["LASTNAME"] == "Doe"
    assert contact["modifiedAt"] == "2026-08-12T12:01:00Z"
    assert len(sandbox.state()["contacts"]) == 1


async def test_upsert_matches_email_case_insensitively(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await _create(client, {"email": "Jane.Doe@Example.com"})
    response = await _create(
        client, {"email": "JANE.DOE@example.COM", "updateEnabled": True}
    )
    assert response.status_code == 204
    assert [c["email"] for c in sandbox.state()["contacts"]] == ["jane.doe@example.com"]


async def test_create_existing_email_without_update_is_400(
    reference: Loader,
    client: httpx.AsyncClient,
) -> None:
    await _create(client, {"email": "jane.doe@example.com"})
    response = await _create(client, {"email": "JANE.doe@example.com"})
    assert response.status_code == 400
    assert response.json() == reference("error_duplicate_email")["body"]


async def test_create_without_identifier_is_missing_parameter(
    client: httpx.AsyncClient,
) -> None:
    response = await _create(client, {"attributes": {"FIRSTNAME": "Nobody"}})
    assert response.status_code == 400
    assert response.json()["code"] == "missing_parameter"


async def test_create_with_ext_id_only(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    response = await _create(client, {"ext_id": "gorgias-customer-1"})
    assert response.status_code == 201
    assert sandbox.find_contact(ext_id="gorgias-customer-1") is not None


async def test_create_sms_only_contact(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    body = reference("create_contact_sms_only_request")["body"]
    response = await _create(client, body)
    contact = sandbox.find_contact(sms="+33639980012")
    assert response.status_code == 201
    assert contact is not None
    assert contact["email"] is None


@pytest.mark.parametrize(
    "phone",
    ["07700 900123", "7700900123", "+44 77", "+4477009001234567", "not a phone"],
    ids=["national", "no-country-code", "too-short", "too-long", "letters"],
)
async def test_invalid_phone_fails_whole_create(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox, phone: str
) -> None:
    response = await _create(
        client, {"email": "jane.doe@example.com", "attributes": {"SMS": phone}}
    )
    assert response.status_code == 400
    assert response.json() == reference("error_invalid_phone")["body"]
    assert sandbox.state()["contacts"] == []


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("+44 7700 900123", "447700900123"),
        ("0044 7700 900123", "447700900123"),
        ("447700900123", "447700900123"),
        ("+33 6 39 98 00 12", "33639980012"),
        ("+1 (202) 555-0143", "12025550143"),
    ],
    ids=["plus", "double-zero", "bare-country-code", "french", "us-punctuated"],
)
async def test_accepted_phone_spellings(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, phone: str, stored: str
) -> None:
    response = await _create(client, {"ext_id": "x", "attributes": {"SMS": phone}})
    contact = sandbox.find_contact(ext_id="x")
    assert response.status_code == 201
    assert contact is not None
    assert contact["attributes"]["SMS"] == stored


@pytest.mark.parametrize("code", ["duplicate_parameter", "invalid_parameter"])
async def test_sms_owned_by_other_contact_on_create(
    reference: Loader,
    new_sandbox: SandboxFactory,
    make_client: ClientFactory,
    code: str,
) -> None:
    sandbox = new_sandbox(sms_conflict_code=code)
    sandbox.seed(
        contacts=[
            {"email": "owner@example.com", "attributes": {"SMS": "+447700900123"}}
        ]
    )
    client = make_client(sandbox)
    response = await _create(
        client,
        {
            "email": "jane.doe@example.com",
            "attributes": {"SMS": "0044 7700 900123"},
            "updateEnabled": True,
        },
    )
    expected = reference("error_duplicate_sms")["body"]
    assert response.status_code == 400
    assert response.json() == {**expected, "code": code}
    assert sandbox.find_contact(email="jane.doe@example.com") is None


@pytest.mark.parametrize("code", ["duplicate_parameter", "invalid_parameter"])
async def test_sms_owned_by_other_contact_on_update(
    reference: Loader,
    new_sandbox: SandboxFactory,
    make_client: ClientFactory,
    code: str,
) -> None:
    sandbox = new_sandbox(sms_conflict_code=code)
    sandbox.seed(
        contacts=[
            {"email": "owner@example.com", "attributes": {"SMS": "+447700900123"}},
            {"email": "jane.doe@example.com"},
        ]
    )
    client = make_client(sandbox)
    response = await client.put(
        "/v3/contacts/jane.doe%40example.com",
        json={"attributes": {"SMS": "+447700900123"}},
    )
    expected = reference("error_update_duplicate_sms")["body"]
    assert response.status_code == 400
    assert response.json() == {**expected, "code": code}


async def test_identifiers_of_two_contacts_conflict(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"email": "jane.doe@example.com"}, {"ext_id": "gorgias-9"}])
    response = await _create(
        client,
        {"email": "jane.doe@example.com", "ext_id": "gorgias-9", "updateEnabled": True},
    )
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "duplicate_parameter"
    assert body["metadata"] == {"duplicate_identifiers": ["ext_id"]}
    unchanged = sandbox.find_contact(email="jane.doe@example.com")
    assert unchanged is not None
    assert unchanged["ext_id"] is None


async def test_upsert_by_ext_id_adds_email(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"ext_id": "gorgias-9"}])
    response = await _create(
        client,
        {
            "ext_id": "gorgias-9",
            "attributes": {"FIRSTNAME": "Al"},
            "updateEnabled": True,
        },
    )
    assert response.status_code == 204
    assert len(sandbox.state()["contacts"]) == 1


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TICKET_COUNT", "3"),
        ("TICKET_COUNT", True),
        ("VIP", "true"),
        ("VIP", 1),
        ("LAST_SUPPORT_DATE", "2026-10-14T09:00:00Z"),
        ("LAST_SUPPORT_DATE", "14/10/2026"),
        ("LAST_SUPPORT_DATE", "2026-02-30"),
        ("GORGIAS_ID", 58213),
        ("SUPPORT_TIER", "Priority"),
        ("SUPPORT_TIER", 3),
        ("UNKNOWN_ATTRIBUTE", "x"),
        ("firstname", "lower-case name"),
    ],
    ids=[
        "float-from-string",
        "float-from-bool",
        "bool-from-string",
        "bool-from-int",
        "date-with-time",
        "date-day-first",
        "date-impossible",
        "text-from-int",
        "category-label",
        "category-unknown-value",
        "unknown-attribute",
        "lower-case-name",
    ],
)
async def test_mismatched_value_dropped_silently(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, name: str, value: Any
) -> None:
    response = await _create(
        client,
        {
            "email": "jane.doe@example.com",
            "attributes": {name: value, "FIRSTNAME": "Jane"},
        },
    )
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert response.status_code == 201
    assert contact is not None
    assert contact["attributes"] == {"FIRSTNAME": "Jane"}


@pytest.mark.parametrize(
    ("name", "value", "stored"),
    [
        ("TICKET_COUNT", 3, 3),
        ("TICKET_COUNT", 3.0, 3),
        ("CSAT_SCORE", 4.5, 4.5),
        ("VIP", True, True),
        ("LAST_SUPPORT_DATE", "2026-10-14", "2026-10-14"),
        ("GORGIAS_ID", "58213", "58213"),
        ("SUPPORT_TIER", 2, 2),
    ],
    ids=["float-int", "float-integral", "float", "boolean", "date", "text", "category"],
)
async def test_matching_value_kept(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, name: str, value: Any, stored: Any
) -> None:
    await _create(
        client, {"email": "jane.doe@example.com", "attributes": {name: value}}
    )
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert contact is not None
    assert contact["attributes"][name] == stored


async def test_blacklist_flags_kept(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await _create(
        client,
        {
            "email": "jane.doe@example.com",
            "emailBlacklisted": True,
            "smsBlacklisted": True,
        },
    )
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert contact is not None
    assert contact["emailBlacklisted"] is True
    assert contact["smsBlacklisted"] is True


async def test_unknown_list_id_rejected(client: httpx.AsyncClient) -> None:
    response = await _create(client, {"email": "jane.doe@example.com", "listIds": [99]})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


async def test_invalid_email_rejected(client: httpx.AsyncClient) -> None:
    response = await _create(client, {"email": "jane.doe.example.com"})
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid email address"


async def test_malformed_json_is_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v3/contacts",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


async def test_strict_fields_rejects_typo(
    new_sandbox: SandboxFactory, make_client: ClientFactory
) -> None:
    client = make_client(new_sandbox(strict_fields=True))
    response = await _create(client, {"email": "jane.doe@example.com", "listIDs": [7]})
    assert response.status_code == 400
    assert "listIDs" in response.json()["message"]


async def test_unknown_field_ignored_by_default(client: httpx.AsyncClient) -> None:
    response = await _create(client, {"email": "jane.doe@example.com", "listIDs": [7]})
    assert response.status_code == 201


async def test_update_by_ext_id(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**JANE, "listIds": [7]}])
    request = reference("update_contact_request")
    response = await client.put(
        request["path"], params=request["query"], json=request["body"]
    )
    contact = sandbox.find_contact(ext_id="gorgias-customer-58213")
    assert response.status_code == 204
    assert contact is not None
    assert contact["listIds"] == [12]
    assert contact["attributes"]["TICKET_COUNT"] == 4


async def test_update_ext_id_without_identifier_type_is_404(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[JANE])
    response = await client.put("/v3/contacts/gorgias-customer-58213", json={})
    assert response.status_code == 404
    assert response.json() == reference("error_contact_not_found")["body"]


async def test_update_unknown_contact_is_404(
    reference: Loader, client: httpx.AsyncClient
) -> None:
    response = await client.put("/v3/contacts/nobody%40example.com", json={})
    assert response.status_code == 404
    assert response.json() == reference("error_contact_not_found")["body"]


async def test_update_email_through_attributes(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[JANE])
    response = await client.put(
        "/v3/contacts/gorgias-customer-58213",
        params={"identifierType": "ext_id"},
        json={"attributes": {"EMAIL": "jane@example.com"}},
    )
    assert response.status_code == 204
    assert sandbox.find_contact(email="jane@example.com") is not None
    assert sandbox.find_contact(email="jane.doe@example.com") is None


async def test_update_invalid_phone_rejected(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[JANE])
    response = await client.put(
        "/v3/contacts/jane.doe%40example.com",
        json={"attributes": {"SMS": "07700900123"}},
    )
    assert response.status_code == 400
    assert response.json() == reference("error_invalid_phone")["body"]


async def test_update_clears_attribute_with_null(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**JANE, "attributes": {"FIRSTNAME": "Jane"}}])
    await client.put(
        "/v3/contacts/jane.doe%40example.com", json={"attributes": {"FIRSTNAME": None}}
    )
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert contact is not None
    assert "FIRSTNAME" not in contact["attributes"]


async def test_update_unknown_identifier_type_is_400(client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/v3/contacts/x", params={"identifierType": "uuid"}, json={}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


async def test_get_contact_identifier_attributes(
    reference: Loader, client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await _create(client, reference("create_contact_request")["body"])
    response = await client.get("/v3/contacts/jane.doe%40example.com")
    body = response.json()
    assert response.status_code == 200
    assert body["attributes"]["SMS"] == "447700900123"
    assert body["attributes"]["EXT_ID"] == "gorgias-customer-58213"
    assert body["listIds"] == [7]


async def test_get_by_contact_id(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**JANE, "id": 1042}])
    response = await client.get("/v3/contacts/1042")
    assert response.json()["email"] == "jane.doe@example.com"


async def test_get_by_phone_without_identifier_type(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"ext_id": "a", "attributes": {"SMS": "+33639980012"}}])
    response = await client.get("/v3/contacts/%2B33639980012")
    assert response.status_code == 200
    assert "email" not in response.json()


@pytest.mark.parametrize(
    "ext_id",
    ["gorgias/42?x=1", "a b#c", "plus+sign", "50%off", "at@sign"],
    ids=["slash-query", "space-hash", "plus", "percent", "at"],
)
async def test_ext_id_path_segment_decoded_once(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, ext_id: str
) -> None:
    sandbox.seed(contacts=[{"ext_id": ext_id}])
    encoded = quote(ext_id, safe="")
    response = await client.get(
        f"/v3/contacts/{encoded}", params={"identifierType": "ext_id"}
    )
    assert response.status_code == 200
    assert response.json()["attributes"]["EXT_ID"] == ext_id


async def test_unencoded_slash_in_identifier_not_found(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"ext_id": "gorgias/42"}])
    response = await client.get(
        "/v3/contacts/gorgias/42", params={"identifierType": "ext_id"}
    )
    assert response.status_code == 404


async def test_double_encoded_identifier_not_found(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"ext_id": "gorgias/42"}])
    response = await client.get(
        "/v3/contacts/gorgias%252F42", params={"identifierType": "ext_id"}
    )
    assert response.status_code == 404


async def test_request_log_keeps_raw_path(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.get("/v3/contacts/gorgias%2F42", params={"identifierType": "ext_id"})
    record = sandbox.requests[-1]
    assert record.path == "/v3/contacts/gorgias%2F42"
    assert record.query == {"identifierType": "ext_id"}
    assert record.status == 404


@pytest.mark.parametrize("literal", ["lists", "attributes", "folders"])
async def test_literal_path_never_read_as_identifier(
    client: httpx.AsyncClient, literal: str
) -> None:
    response = await client.put(f"/v3/contacts/{literal}", json={})
    assert response.status_code == 405


async def test_batch_endpoint_not_simulated(client: httpx.AsyncClient) -> None:
    response = await client.post("/v3/contacts/batch", json={"contacts": []})
    assert response.status_code == 501


async def test_delete_contact_frees_identifiers(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[JANE])
    response = await client.delete("/v3/contacts/jane.doe%40example.com")
    assert response.status_code == 204
    assert (await _create(client, JANE)).status_code == 201
