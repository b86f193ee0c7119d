"""HTTP Basic auth on /api and the admin token on /_sandbox."""

from __future__ import annotations

import httpx
import pytest

from tajo.sandbox.gorgias import GorgiasSandbox

from .conftest import ADMIN, EMAIL, KEY, api_client, payload


@pytest.mark.parametrize(
    "auth",
    [None, (EMAIL, "wrong-key"), ("someone@example.com", KEY), (EMAIL, "")],
    ids=["missing", "wrong-key", "wrong-email", "empty-key"],
)
async def test_auth_rejects_bad_credentials(
    sandbox: GorgiasSandbox, auth: tuple[str, str] | None
) -> None:
    async with api_client(sandbox, auth=auth) as client:
        response = await client.get("/api/account")
    assert response.status_code == 401
    assert response.json() == {"error": {"msg": "Unauthorized"}}


async def test_auth_rejects_bearer_token(sandbox: GorgiasSandbox) -> None:
    async with api_client(sandbox, auth=None) as client:
        response = await client.get(
            "/api/account", headers={"Authorization": f"Bearer {KEY}"}
        )
    assert response.status_code == 401


async def test_auth_accepts_email_in_other_case(sandbox: GorgiasSandbox) -> None:
    async with api_client(sandbox, auth=(EMAIL.upper(), KEY)) as client:
        response = await client.get("/api/account")
    assert response.status_code == 200


async def test_auth_applies_to_every_api_route(sandbox: GorgiasSandbox) -> None:
    async with api_client(sandbox, auth=None) as client:
        for path in ("/api/customers", "/api/tickets/1", "/api/nowhere"):
            response = await client.get(path)
            assert response.status_code == 401, path


async def test_account_probe_returns_domain(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/account")
    assert response.status_code == 200
    assert response.json()["domain"] == "example-store"
    assert response.json()["status"] == {"status": "active"}


async def test_current_user_is_key_owner(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    owner = {**payload("user.json"), "email": EMAIL}
    other = {**payload("user.json"), "id": 5, "email": "other@example.com"}
    sandbox.seed_objects(users=[other, owner])
    response = await client.get("/api/users/0")
    assert response.status_code == 200
    assert response.json()["id"] == owner["id"]


async def test_admin_routes_need_token(sandbox: GorgiasSandbox) -> None:
    async with api_client(sandbox, auth=None) as client:
        refused = await client.get("/_sandbox/requests")
        wrong = await client.get(
            "/_sandbox/requests", headers={"x-sandbox-admin": "nope"}
        )
        allowed = await client.get(
            "/_sandbox/requests", headers={"x-sandbox-admin": ADMIN}
        )
    assert refused.status_code == 401
    assert wrong.status_code == 401
    assert allowed.status_code == 200
