"""The attribute catalogue of the Brevo simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]
ClientFactory = Callable[..., httpx.AsyncClient]


async def test_fresh_account_has_default_attributes(
    clock: FakeClock, make_client: ClientFactory
) -> None:
    client = make_client(BrevoSandbox(clock=clock.monotonic, now=clock.now))
    response = await client.get("/v3/contacts/attributes")
    names = [item["name"] for item in response.json()["attributes"]]
    assert response.status_code == 200
    assert names == ["LASTNAME", "FIRSTNAME", "SMS"]


async def test_create_attribute_returns_201_without_body(
    client: httpx.AsyncClient, sandbox: BrevoSandbox, reference: Loader
) -> None:
    request = reference("create_attribute_request")
    path = request["path"].replace("TICKET_COUNT", "AVG_RESPONSE_TIME")
    response = await client.post(path, json=request["body"])
    listed = sandbox.state()["attributes"][-1]
    assert response.status_code == 201
    assert response.content == b""
    assert listed == {
        "name": "AVG_RESPONSE_TIME",
        "category": "normal",
        "type": "float",
    }


async def test_existing_attribute_rejected(
    client: httpx.AsyncClient, reference: Loader
) -> None:
    request = reference("create_attribute_request")
    response = await client.post(request["path"], json=request["body"])
    assert response.status_code == 400
    assert response.json() == reference("error_attribute_exists")["body"]


async def test_existing_attribute_rejected_in_any_case(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v3/contacts/attributes/normal/ticket_count", json={"type": "float"}
    )
    assert response.status_code == 400


async def test_attribute_name_stored_in_capitals(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.post(
        "/v3/contacts/attributes/normal/csat_count", json={"type": "float"}
    )
    assert sandbox.state()["attributes"][-1]["name"] == "CSAT_COUNT"


async def test_missing_type_defaults_to_text(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    response = await client.post("/v3/contacts/attributes/normal/CHANNEL")
    assert response.status_code == 201
    assert sandbox.state()["attributes"][-1]["type"] == "text"


async def test_category_attribute_needs_enumeration(client: httpx.AsyncClient) -> None:
    response = await client.post("/v3/contacts/attributes/category/TIER", json={})
    assert response.status_code == 400
    assert response.json()["code"] == "missing_parameter"


async def test_category_attribute_listed_with_enumeration(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    enumeration = [{"value": 1, "label": "Gold"}, {"value": 2, "label": "Silver"}]
    await client.post(
        "/v3/contacts/attributes/category/LOYALTY",
        json={"type": "category", "enumeration": enumeration},
    )
    listed = sandbox.state()["attributes"][-1]
    assert listed["category"] == "category"
    assert listed["enumeration"] == enumeration


async def test_multiple_choice_values_checked_against_options(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    await client.post(
        "/v3/contacts/attributes/normal/CHANNELS",
        json={"type": "multiple-choice", "multiCategoryOptions": ["email", "chat"]},
    )
    await client.post(
        "/v3/contacts",
        json={"email": "a@example.com", "attributes": {"CHANNELS": ["chat"]}},
    )
    await client.post(
        "/v3/contacts",
        json={"email": "b@example.com", "attributes": {"CHANNELS": ["phone"]}},
    )
    valid_choice = sandbox.find_contact(email="a@example.com")
    unknown_choice = sandbox.find_contact(email="b@example.com")
    assert valid_choice is not None
    assert unknown_choice is not None
    assert valid_choice["attributes"] == {"CHANNELS": ["chat"]}
    assert unknown_choice["attributes"] == {}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v3/contacts/attributes/secret/X", {"type": "text"}),
        ("/v3/contacts/attributes/normal/X", {"type": "integer"}),
        ("/v3/contacts/attributes/normal/X", {"type": "id"}),
        ("/v3/contacts/attributes/normal/BAD%20NAME", {"type": "text"}),
        ("/v3/contacts/attributes/normal/X", {"type": "multiple-choice"}),
    ],
    ids=["category", "integer-type", "id-on-normal", "space-in-name", "no-options"],
)
async def test_invalid_attribute_definition_rejected(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == 400


async def test_unknown_type_listed_and_writes_dropped(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    sandbox.seed(attributes=[{"name": "OWNER", "category": "normal", "type": "user"}])
    sandbox.seed(attributes=[{"name": "FUTURE", "category": "normal", "type": "geo"}])
    listed = (await client.get("/v3/contacts/attributes")).json()["attributes"]
    await client.post(
        "/v3/contacts",
        json={"email": "a@example.com", "attributes": {"OWNER": "x", "FUTURE": "y"}},
    )
    contact = sandbox.find_contact(email="a@example.com")
    assert listed[-1] == {"name": "FUTURE", "category": "normal", "type": "geo"}
    assert contact is not None
    assert contact["attributes"] == {}


async def test_calculated_attribute_lists_formula(
    client: httpx.AsyncClient, sandbox: BrevoSandbox
) -> None:
    response = await client.post(
        "/v3/contacts/attributes/calculated/OPEN_COUNT", json={"value": "COUNT[X]"}
    )
    listed = sandbox.state()["attributes"][-1]
    assert response.status_code == 201
    assert listed == {
        "name": "OPEN_COUNT",
        "category": "calculated",
        "calculatedValue": "COUNT[X]",
    }


def test_create_attribute_helper_rejects_duplicate(sandbox: BrevoSandbox) -> None:
    with pytest.raises(ValueError, match="must be unique"):
        sandbox.create_attribute("VIP", "boolean")
