"""Auth, fault injection, the down switch and admin routes of the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tajo.sandbox.brevo import BrevoSandbox, ConnectionDropped, create_app
from tajo.sandbox.server import serve

Loader = Callable[[str], dict[str, Any]]
ClientFactory = Callable[..., httpx.AsyncClient]
ADMIN = {"x-sandbox-admin": "sandbox-admin"}
API_KEY = {"api-key": "xkeysib-fake-key-for-tests"}


@pytest.fixture
def loopback(sandbox: BrevoSandbox) -> Iterator[str]:
    """Serve the `sandbox` fixture on 127.0.0.1; yield its base URL."""
    with serve(create_app(sandbox)) as server:
        yield server.base_url


async def test_missing_key_is_401(
    sandbox: BrevoSandbox, make_client: ClientFactory, reference: Loader
) -> None:
    response = await make_client(sandbox, api_key=None).get("/v3/account")
    assert response.status_code == 401
    assert response.json() == reference("error_unauthorized_no_header")["body"]


async def test_wrong_key_is_401(
    sandbox: BrevoSandbox, make_client: ClientFactory, reference: Loader
) -> None:
    response = await make_client(sandbox, api_key="xkeysib-wrong").get("/v3/account")
    assert response.status_code == 401
    assert response.json() == reference("error_unauthorized")["body"]


async def test_bearer_token_is_not_an_api_key(
    sandbox: BrevoSandbox, make_client: ClientFactory
) -> None:
    client = make_client(sandbox, api_key=None)
    response = await client.get(
        "/v3/account", headers={"authorization": "Bearer xkeysib-fake-key-for-tests"}
    )
    assert response.status_code == 401


async def test_server_error_fault(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("server_error", count=2, status=502)
    statuses = [(await client.get("/v3/account")).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]


async def test_fault_limited_to_path_prefix(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("server_error", path_prefix="/v3/events")
    account = await client.get("/v3/account")
    event = await client.post(
        "/v3/events", json={"event_name": "X", "identifiers": {"ext_id": "a"}}
    )
    assert account.status_code == 200
    assert event.status_code == 503


async def test_server_error_before_processing_has_no_effect(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("server_error")
    response = await client.post("/v3/contacts", json={"email": "a@example.com"})
    assert response.status_code == 503
    assert sandbox.find_contact(email="a@example.com") is None


async def test_server_error_after_processing_keeps_effect(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("server_error", after_processing=True)
    response = await client.post("/v3/contacts", json={"email": "a@example.com"})
    assert response.status_code == 503
    assert sandbox.find_contact(email="a@example.com") is not None


async def test_rate_limit_fault_sends_headers(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("rate_limit", path_prefix="/v3/contacts")
    response = await client.get("/v3/contacts/lists")
    assert response.status_code == 429
    assert response.headers["x-sib-ratelimit-remaining"] == "0"
    assert response.headers["x-sib-ratelimit-reset"] == "1"


async def test_drop_in_process_raises_protocol_error(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get("/v3/account")
    assert sandbox.requests[-1].status is None


async def test_drop_after_processing_keeps_event(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("drop", after_processing=True)
    with pytest.raises(ConnectionDropped):
        await client.post(
            "/v3/events", json={"event_name": "X", "identifiers": {"ext_id": "a"}}
        )
    assert len(sandbox.state()["events"]) == 1


async def test_drop_on_loopback_closes_connection(
    loopback: str, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("drop")
    async with httpx.AsyncClient(base_url=loopback, headers=API_KEY) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/v3/account")
        after = await client.get("/v3/account")
    assert after.status_code == 200


async def test_loopback_routes_encoded_identifier(
    loopback: str, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(contacts=[{"ext_id": "gorgias/42?x=1"}])
    async with httpx.AsyncClient(base_url=loopback, headers=API_KEY) as client:
        response = await client.get(
            "/v3/contacts/gorgias%2F42%3Fx%3D1", params={"identifierType": "ext_id"}
        )
    assert response.status_code == 200
    assert response.json()["attributes"]["EXT_ID"] == "gorgias/42?x=1"


async def test_slow_fault_still_answers(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.inject_fault("slow", delay=0.01)
    response = await client.get("/v3/account")
    assert response.status_code == 200
    assert sandbox.state()["faults"] == []


@pytest.mark.parametrize(
    "options",
    [
        {"kind": "meltdown"},
        {"kind": "drop", "count": 0},
        {"kind": "server_error", "status": 200},
    ],
    ids=["unknown-kind", "zero-count", "success-status"],
)
def test_inject_fault_rejects_bad_options(
    sandbox: BrevoSandbox, options: dict[str, Any]
) -> None:
    kind = options.pop("kind")
    with pytest.raises(ValueError, match="fault"):
        sandbox.inject_fault(kind, **options)


async def test_down_switch(client: httpx.AsyncClient, sandbox: BrevoSandbox) -> None:
    sandbox.set_down(True)
    down = await client.get("/v3/account")
    sandbox.set_down(False)
    up = await client.get("/v3/account")
    assert down.status_code == 503
    assert up.status_code == 200


async def test_admin_state_needs_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/_sandbox/state")
    assert response.status_code == 403


async def test_admin_state_dump(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.post("/v3/contacts", json={"email": "a@example.com", "listIds": [7]})
    response = await client.get("/_sandbox/state", headers=ADMIN)
    state = response.json()
    assert response.status_code == 200
    assert state["contacts"][0]["email"] == "a@example.com"
    assert state["requests"][0]["body"] == {"email": "a@example.com", "listIds": [7]}
    assert state["requests"][0]["status"] == 201
    assert [item["id"] for item in state["lists"]] == [7, 12]
    assert state["folders"] == [{"id": 1, "name": "Your first folder"}]


async def test_admin_routes_not_logged_or_faulted(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.set_down(True)
    response = await client.get("/_sandbox/state", headers=ADMIN)
    assert response.status_code == 200
    assert sandbox.requests == []


async def test_admin_reset(client: httpx.AsyncClient, sandbox: BrevoSandbox) -> None:
    await client.post("/v3/contacts", json={"email": "a@example.com"})
    response = await client.post("/_sandbox/reset", headers=ADMIN)
    state = sandbox.state()
    assert response.status_code == 204
    assert state["contacts"] == []
    assert state["lists"] == []
    assert state["requests"] == []


async def test_admin_injects_fault_over_http(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    created = await client.post(
        "/_sandbox/faults",
        headers=ADMIN,
        json={"kind": "server_error", "status": 500, "path_prefix": "/v3/account"},
    )
    response = await client.get("/v3/account")
    assert created.status_code == 201
    assert response.status_code == 500


async def test_admin_switches_down_over_http(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.post("/_sandbox/faults", headers=ADMIN, json={"down": True})
    assert (await client.get("/v3/account")).status_code == 503
    await client.post("/_sandbox/faults", headers=ADMIN, json={"down": False})
    assert (await client.get("/v3/account")).status_code == 200


async def test_admin_rejects_bad_fault(client: httpx.AsyncClient) -> None:
    response = await client.post("/_sandbox/faults", headers=ADMIN, json={"kind": "x"})
    assert response.status_code == 400


async def test_unknown_route_is_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "document_not_found"


async def test_wrong_method_is_json_405(client: httpx.AsyncClient) -> None:
    response = await client.delete("/v3/account")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
