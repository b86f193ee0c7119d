"""Write endpoints: customers (create, update, merge, delete) and integrations."""

from __future__ import annotations

import httpx
import pytest

from tajo.sandbox.gorgias import GorgiasSandbox

from .conftest import payload


@pytest.fixture
def jane(sandbox: GorgiasSandbox) -> dict:
    customer = payload("customer.json")
    sandbox.seed_objects(
        customers=[customer],
        tickets=[payload("ticket.json")],
        custom_fields=[payload("custom_field_definition.json")],
    )
    return customer


async def test_create_customer_201(client: httpx.AsyncClient) -> None:
    body = payload("customer_create_request.json")
    response = await client.post("/api/customers", json=body)
    created = response.json()
    assert response.status_code == 201
    assert created["email"] == body["email"]
    assert [c["address"] for c in created["channels"]] == [
        c["address"] for c in body["channels"]
    ]
    fetched = await client.get(f"/api/customers/{created['id']}")
    assert fetched.json() == created


async def test_create_customer_duplicate_email_409(
    jane: dict, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/api/customers", json={"email": jane["email"].upper(), "name": "Copy"}
    )
    assert response.status_code == 409
    assert (
        response.json()["error"]["msg"]
        == payload("error_409.json")["body"]["error"]["msg"]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": " spaced@example.com"}, "email"),
        ({"name": 5}, "name"),
        ({"tags": ["vip"]}, "tags"),
        ({"channels": [{"type": "email"}]}, "channels"),
        ({"channels": "jane@example.com"}, "channels"),
        ({"custom_fields": [{"id": 999, "value": "x"}]}, "custom_fields"),
    ],
    ids=["bad-email", "spaces", "name-type", "unknown", "channel", "channels", "field"],
)
async def test_create_customer_invalid_400(
    client: httpx.AsyncClient, body: dict, field: str
) -> None:
    response = await client.post("/api/customers", json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]["data"]


async def test_create_customer_not_json_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/customers", content=b"{oops")
    assert response.status_code == 400


async def test_update_customer_partial(jane: dict, client: httpx.AsyncClient) -> None:
    response = await client.put(f"/api/customers/{jane['id']}", json={"note": "VIP"})
    updated = response.json()
    assert response.status_code == 200
    assert updated["note"] == "VIP"
    assert updated["email"] == jane["email"]
    assert updated["updated_datetime"] != jane["updated_datetime"]


async def test_update_customer_channels_replace_all(
    jane: dict, client: httpx.AsyncClient
) -> None:
    body = payload("customer_update_request.json")
    updated = (await client.put(f"/api/customers/{jane['id']}", json=body)).json()
    assert [(c["type"], c["address"]) for c in updated["channels"]] == [
        ("email", jane["email"])
    ]


async def test_update_customer_email_conflict(
    sandbox: GorgiasSandbox, jane: dict, client: httpx.AsyncClient
) -> None:
    other = sandbox.create_customer(email="other@example.com")
    response = await client.put(
        f"/api/customers/{other['id']}", json={"email": jane["email"]}
    )
    assert response.status_code == 409


async def test_update_customer_custom_field(
    jane: dict, client: httpx.AsyncClient
) -> None:
    body = {"custom_fields": [{"id": 1201, "value": "silver"}]}
    await client.put(f"/api/customers/{jane['id']}", json=body)
    values = (await client.get(f"/api/customers/{jane['id']}/custom-fields")).json()
    assert [(v["field"]["id"], v["value"]) for v in values["data"]] == [
        (1201, "silver")
    ]


async def test_delete_customer_then_404(jane: dict, client: httpx.AsyncClient) -> None:
    deleted = await client.delete(f"/api/customers/{jane['id']}")
    again = await client.delete(f"/api/customers/{jane['id']}")
    fetched = await client.get(f"/api/customers/{jane['id']}")
    assert deleted.status_code == 204
    assert again.status_code == 404
    assert fetched.status_code == 404


async def test_merge_deletes_source_and_repoints_tickets(
    sandbox: GorgiasSandbox, jane: dict, client: httpx.AsyncClient
) -> None:
    target = sandbox.create_customer(email="target@example.com", name="Target")
    response = await client.put(
        "/api/customers/merge",
        params={"source_id": jane["id"], "target_id": target["id"]},
    )
    merged = response.json()
    ticket = (await client.get("/api/tickets/86538298")).json()
    assert response.status_code == 200
    assert merged["id"] == target["id"]
    assert "6" in merged["integrations"]
    assert (await client.get(f"/api/customers/{jane['id']}")).status_code == 404
    assert ticket["customer"]["id"] == target["id"]
    assert ticket["satisfaction_survey"]["customer_id"] == target["id"]


async def test_merge_records_event(
    sandbox: GorgiasSandbox, jane: dict, client: httpx.AsyncClient
) -> None:
    target = sandbox.create_customer(email="target@example.com")
    await client.put(
        "/api/customers/merge",
        params={"source_id": jane["id"], "target_id": target["id"]},
    )
    events = (
        await client.get("/api/events", params={"types": "customer-merged"})
    ).json()["data"]
    assert [(e["object_id"], e["data"]["source_id"]) for e in events] == [
        (target["id"], jane["id"])
    ]


async def test_merge_same_integration_409(
    sandbox: GorgiasSandbox, jane: dict, client: httpx.AsyncClient
) -> None:
    other = {**payload("customer.json"), "id": 2, "email": "twin@example.com"}
    sandbox.seed_objects(customers=[other])
    response = await client.put(
        "/api/customers/merge", params={"source_id": 2, "target_id": jane["id"]}
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "params",
    [
        {"source_id": "1"},
        {"source_id": "x", "target_id": "2"},
        {"source_id": "3", "target_id": "3"},
    ],
    ids=["missing-target", "not-int", "same"],
)
async def test_merge_bad_ids_400(client: httpx.AsyncClient, params: dict) -> None:
    response = await client.put("/api/customers/merge", params=params)
    assert response.status_code == 400


async def test_merge_unknown_404(jane: dict, client: httpx.AsyncClient) -> None:
    response = await client.put(
        "/api/customers/merge", params={"source_id": 1, "target_id": jane["id"]}
    )
    assert response.status_code == 404


async def test_method_not_allowed(client: httpx.AsyncClient) -> None:
    response = await client.patch("/api/customers")
    assert response.status_code == 405
    assert response.json() == {
        "error": {"msg": "The specified HTTP method is not allowed."}
    }


def integration_body() -> dict:
    example = payload("integration_http.json")
    body = {k: example[k] for k in ("type", "name", "description")}
    body["http"] = {k: v for k, v in example["http"].items() if k != "id"}
    body["http"]["url"] = "http://127.0.0.1:9/hook"
    return body


async def test_integration_crud(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/integrations", json=integration_body())).json()
    path = f"/api/integrations/{created['id']}"
    listed = (await client.get("/api/integrations", params={"type": "http"})).json()
    updated = (await client.put(path, json={"name": "Renamed"})).json()
    deleted = await client.delete(path)
    assert [i["id"] for i in listed["data"]] == [created["id"]]
    assert updated["name"] == "Renamed"
    assert updated["http"]["url"] == created["http"]["url"]
    assert deleted.status_code == 204
    assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "shopify"}, "type"),
        ({"http": {"url": "ftp://example.com"}}, "http.url"),
        (
            {
                "http": {
                    "url": "http://127.0.0.1/x",
                    "triggers": {"ticket_created": True},
                }
            },
            "http.triggers",
        ),
        (
            {"http": {"url": "http://127.0.0.1/x", "request_content_type": "text/xml"}},
            "http.request_content_type",
        ),
    ],
    ids=["type", "url", "underscore-trigger", "content-type"],
)
async def test_integration_invalid_400(
    client: httpx.AsyncClient, change: dict, field: str
) -> None:
    body = {**integration_body(), **change}
    response = await client.post("/api/integrations", json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]["data"]
