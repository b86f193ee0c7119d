"""Folders, lists and list membership in the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]

MEMBERS = [
    {"email": "jane.doe@example.com", "ext_id": "gorgias-customer-58213", "id": 1042},
    {"email": "sam.roe@example.com", "ext_id": "gorgias-customer-58214", "id": 1043},
]


def _list_ids(sandbox: BrevoSandbox, contact_id: int) -> list[int]:
    contact = sandbox.find_contact(contact_id=contact_id)
    assert contact is not None, f"contact {contact_id} not found"
    return list(contact["listIds"])


async def test_fresh_account_has_one_folder(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/contacts/folders")
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    assert body["folders"][0]["id"] == 1


async def test_create_folder(client: httpx.AsyncClient) -> None:
    response = await client.post("/v3/contacts/folders", json={"name": "Gorgias"})
    assert response.status_code == 201
    assert response.json() == {"id": 2}


async def test_create_folder_needs_name(client: httpx.AsyncClient) -> None:
    response = await client.post("/v3/contacts/folders", json={})
    assert response.status_code == 400
    assert response.json()["code"] == "missing_parameter"


async def test_create_list(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    request = reference("create_list_request")
    response = await client.post(request["path"], json=request["body"])
    assert response.status_code == 201
    assert response.json() == {"id": 13}
    assert sandbox.state()["lists"][-1]["name"] == "Gorgias - support customers"


async def test_create_list_in_unknown_folder(
    client: httpx.AsyncClient, reference: Loader
) -> None:
    response = await client.post(
        "/v3/contacts/lists", json={"name": "Anything", "folderId": 99}
    )
    assert response.status_code == 404
    assert response.json() == reference("error_folder_not_found")["body"]


@pytest.mark.parametrize(
    "body",
    [{"name": "No folder"}, {"folderId": 1}],
    ids=["folder-missing", "name-missing"],
)
async def test_create_list_needs_name_and_folder(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/v3/contacts/lists", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "missing_parameter"


async def test_lists_sorted_newest_first(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v3/contacts/lists")).json()
    assert [item["id"] for item in body["lists"]] == [12, 7]
    assert body["count"] == 2


async def test_lists_paged_with_limit_offset_sort(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    for number in range(3):
        sandbox.create_list(f"Extra {number}")
    response = await client.get(
        "/v3/contacts/lists", params={"limit": 2, "offset": 1, "sort": "asc"}
    )
    body = response.json()
    assert [item["id"] for item in body["lists"]] == [12, 13]
    assert body["count"] == 5


@pytest.mark.parametrize(
    "params",
    [{"limit": "51"}, {"limit": "-1"}, {"limit": "ten"}, {"sort": "up"}],
    ids=["limit-over-50", "limit-negative", "limit-text", "sort-unknown"],
)
async def test_lists_reject_bad_paging(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    response = await client.get("/v3/contacts/lists", params=params)
    assert response.status_code == 400


async def test_list_counts_unique_subscribers(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**MEMBERS[0], "listIds": [7]}])
    response = await client.get("/v3/contacts/lists/7")
    body = response.json()
    assert response.status_code == 200
    assert body["uniqueSubscribers"] == 1
    assert body["folderId"] == 1


async def test_get_unknown_list_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/contacts/lists/99")
    assert response.status_code == 404
    assert response.json()["code"] == "document_not_found"


async def test_add_reports_success_and_failure(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(contacts=MEMBERS)
    request = reference("list_add_request_emails")
    response = await client.post(request["path"], json=request["body"])
    assert response.status_code == 201
    assert response.json() == reference("list_add_response_201")["body"]
    assert _list_ids(sandbox, 1043) == [7]


async def test_add_by_ext_ids(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(contacts=MEMBERS)
    request = reference("list_add_request_ext_ids")
    response = await client.post(request["path"], json=request["body"])
    assert response.json()["contacts"]["success"] == request["body"]["extIds"]


async def test_add_already_member_is_failure(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**MEMBERS[0], "listIds": [7]}, MEMBERS[1]])
    response = await client.post(
        "/v3/contacts/lists/7/contacts/add", json={"ids": [1042, 1043]}
    )
    assert response.json() == {"contacts": {"success": [1043], "failure": [1042]}}


async def test_add_nothing_succeeded_is_400(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(contacts=[{**MEMBERS[0], "listIds": [7]}])
    response = await client.post(
        "/v3/contacts/lists/7/contacts/add",
        json={"emails": ["jane.doe@example.com", "nobody@example.com"]},
    )
    assert response.status_code == 400
    assert response.json() == reference("error_list_already_member")["body"]


async def test_add_to_unknown_list_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v3/contacts/lists/99/contacts/add", json={"ids": [1]}
    )
    assert response.status_code == 404


async def test_add_accepts_150_items(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"ext_id": f"c{number}"} for number in range(150)])
    response = await client.post(
        "/v3/contacts/lists/7/contacts/add",
        json={"extIds": [f"c{number}" for number in range(150)]},
    )
    assert response.status_code == 201
    assert len(response.json()["contacts"]["success"]) == 150


async def test_add_rejects_151_items(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v3/contacts/lists/7/contacts/add",
        json={"emails": [f"c{number}@example.com" for number in range(151)]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert "150" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"emails": []},
        {"emails": ["a@example.com"], "ids": [1]},
        {"ids": ["1"]},
        {"all": True},
    ],
    ids=["none", "empty", "two-selectors", "id-as-string", "all-on-add"],
)
async def test_add_rejects_bad_selector(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/v3/contacts/lists/7/contacts/add", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


async def test_remove_by_ids(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    sandbox.seed(contacts=[{**member, "listIds": [7]} for member in MEMBERS])
    request = reference("list_remove_request_ids")
    response = await client.post(request["path"], json=request["body"])
    assert response.status_code == 201
    assert response.json() == reference("list_remove_response_201")["body"]
    assert _list_ids(sandbox, 1042) == []


async def test_remove_nothing_succeeded_is_400(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=MEMBERS)
    response = await client.post(
        "/v3/contacts/lists/7/contacts/remove", json={"ids": [1042]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"


async def test_remove_all_runs_as_process(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**member, "listIds": [7, 12]} for member in MEMBERS])
    response = await client.post(
        "/v3/contacts/lists/7/contacts/remove", json={"all": True}
    )
    body = response.json()["contacts"]
    before = sandbox.find_contact(contact_id=1042)
    for _ in range(2):
        await client.get(f"/v3/processes/{body['processId']}")
    after = sandbox.find_contact(contact_id=1042)
    assert response.status_code == 201
    assert body["total"] == 2
    assert before is not None
    assert before["listIds"] == [7, 12]
    assert after is not None
    assert after["listIds"] == [12]


async def test_list_ids_on_upsert_and_unlink(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{**MEMBERS[0], "listIds": [7]}])
    await client.post(
        "/v3/contacts",
        json={
            "email": "jane.doe@example.com",
            "listIds": [12],
            "unlinkListIds": [7],
            "updateEnabled": True,
        },
    )
    contact = sandbox.find_contact(email="jane.doe@example.com")
    assert contact is not None
    assert contact["listIds"] == [12]
