"""Admin routes under /_sandbox drive the account over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tajo.sandbox.gorgias import GorgiasSandbox

from .conftest import ADMIN, EMAIL, api_client, payload


@pytest.fixture
async def admin(sandbox: GorgiasSandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(sandbox, headers={"x-sandbox-admin": ADMIN}) as client:
        yield client


async def test_admin_seed_as_given(
    admin: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    ticket = payload("ticket.json")
    response = await admin.post(
        "/_sandbox/seed",
        json={
            "tickets": [ticket],
            "customer_custom_field_values": {
                "387705374": payload("customer_custom_fields.json")["data"]
            },
        },
    )
    fetched = (await client.get(f"/api/tickets/{ticket['id']}")).json()
    assert response.status_code == 204
    assert fetched == ticket


async def test_admin_seed_unknown_group(admin: httpx.AsyncClient) -> None:
    response = await admin.post("/_sandbox/seed", json={"widgets": []})
    assert response.status_code == 400


async def test_admin_reset_generates(
    admin: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    response = await admin.post(
        "/_sandbox/reset",
        json={
            "seed": 4,
            "customers": 12,
            "tickets": 20,
            "surveys": 3,
            "now": "2026-08-12T12:00:00+00:00",
        },
    )
    counts = response.json()["counts"]
    owner = (await client.get("/api/users/0")).json()
    assert counts["customers"] == 12
    assert counts["tickets"] == 20
    assert owner["email"] == EMAIL


async def test_admin_reset_clears(
    sandbox: GorgiasSandbox, admin: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=[payload("customer.json")])
    sandbox.inject_fault("server_error")
    response = await admin.post("/_sandbox/reset", json={})
    assert response.json()["counts"]["customers"] == 0
    assert sandbox.faults.pending() == []


async def test_admin_fault_and_request_log(
    admin: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    added = await admin.post(
        "/_sandbox/faults", json={"kind": "rate_limit", "count": 2, "retry_after": 3}
    )
    statuses = [(await client.get("/api/account")).status_code for _ in range(3)]
    log = (await admin.get("/_sandbox/requests")).json()["data"]
    assert added.status_code == 201
    assert statuses == [429, 429, 200]
    assert [r["status"] for r in log] == [429, 429, 200]
    assert all(r["path"] == "/api/account" for r in log)


async def test_admin_bad_fault_400(admin: httpx.AsyncClient) -> None:
    response = await admin.post("/_sandbox/faults", json={"kind": "meteor"})
    assert response.status_code == 400


async def test_admin_ticket_lifecycle(
    sandbox: GorgiasSandbox, admin: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(users=[{**payload("user.json"), "email": EMAIL}])
    customer = (
        await admin.post("/_sandbox/customers", json={"email": "jane@example.com"})
    ).json()
    ticket = (
        await admin.post(
            "/_sandbox/tickets",
            json={"customer_id": customer["id"], "subject": "Help", "tags": ["vip"]},
        )
    ).json()
    base = f"/_sandbox/tickets/{ticket['id']}"
    steps = [
        await admin.post(f"{base}/messages", json={"from_agent": True, "body": "Hi"}),
        await admin.post(f"{base}/tags", json={"name": "refund"}),
        await admin.delete(f"{base}/tags/vip"),
        await admin.post(f"{base}/close"),
        await admin.post(f"{base}/survey", json={}),
        await admin.post(f"/_sandbox/surveys/{ticket['id']}/answer", json={"score": 2}),
        await admin.post(f"{base}/reopen"),
    ]
    assert [s.status_code for s in steps] == [201, 200, 200, 200, 201, 200, 200]
    stored = sandbox.store.get("tickets", ticket["id"])
    assert stored is not None
    assert stored["status"] == "open"
    assert [t["name"] for t in stored["tags"]] == ["refund"]


async def test_admin_errors_use_api_shape(admin: httpx.AsyncClient) -> None:
    response = await admin.post("/_sandbox/tickets/99/close")
    assert response.status_code == 404
    assert response.json() == {"error": {"msg": "Resource not found."}}


async def test_admin_customer_changes(
    sandbox: GorgiasSandbox, admin: httpx.AsyncClient
) -> None:
    first = (
        await admin.post("/_sandbox/customers", json={"email": "a@example.com"})
    ).json()
    second = (
        await admin.post("/_sandbox/customers", json={"email": "b@example.com"})
    ).json()
    updated = await admin.put(f"/_sandbox/customers/{first['id']}", json={"note": "x"})
    merged = await admin.post(
        "/_sandbox/customers/merge",
        json={"source_id": second["id"], "target_id": first["id"]},
    )
    deleted = await admin.delete(f"/_sandbox/customers/{first['id']}")
    assert updated.json()["note"] == "x"
    assert merged.status_code == 200
    assert deleted.status_code == 204
    assert sandbox.store["customers"] == {}


async def test_admin_deliveries_listed(
    sandbox: GorgiasSandbox, admin: httpx.AsyncClient
) -> None:
    example = payload("integration_http.json")
    http = {k: v for k, v in example["http"].items() if k != "id"}
    sandbox.create_integration({"type": "http", "name": "Hook", "http": http})
    sandbox.create_ticket(None, subject="Remote")
    waited = (await admin.post("/_sandbox/deliveries/wait", json={"timeout": 5})).json()
    listed = (await admin.get("/_sandbox/deliveries")).json()["data"]
    assert waited == {"idle": True}
    assert [d["state"] for d in listed] == ["failed"]
    assert listed[0]["trigger"] == "ticket-created"
