"""Every simulator response has the shape of the matching Brevo example.

Shapes compare key sets and JSON types (numbers as one type), so values may
differ but a missing, extra or retyped field fails.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tajo.sandbox.brevo import BrevoSandbox

Loader = Callable[[str], dict[str, Any]]
REFERENCE = Path(__file__).parent / "reference"
JANE = {"email": "jane.doe@example.com", "ext_id": "gorgias-customer-58213"}
SAM = {"email": "sam.roe@example.com", "ext_id": "gorgias-customer-58214"}
RATE_HEADERS = (
    "x-sib-ratelimit-limit",
    "x-sib-ratelimit-remaining",
    "x-sib-ratelimit-reset",
)


@dataclass
class Scene:
    """What a scenario may use: a client, its sandbox and the examples."""

    client: httpx.AsyncClient
    sandbox: BrevoSandbox
    reference: Loader
    limited_client: Callable[..., httpx.AsyncClient]

    def request(self, name: str) -> Awaitable[httpx.Response]:
        example = self.reference(name)
        return self.client.request(
            example["method"],
            example["path"],
            params=example.get("query"),
            json=example.get("body"),
        )


Scenario = Callable[[Scene], Awaitable[httpx.Response]]


async def _created(scene: Scene) -> httpx.Response:
    return await scene.request("create_contact_request")


async def _upserted(scene: Scene) -> httpx.Response:
    await scene.request("create_contact_request")
    return await scene.request("create_contact_request")


async def _updated(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[JANE])
    return await scene.request("update_contact_request")


async def _read(scene: Scene) -> httpx.Response:
    await scene.request("create_contact_request")
    return await scene.client.get("/v3/contacts/jane.doe%40example.com")


async def _read_sms_only(scene: Scene) -> httpx.Response:
    await scene.request("create_contact_sms_only_request")
    return await scene.client.get(
        "/v3/contacts/gorgias-customer-58214", params={"identifierType": "ext_id"}
    )


async def _attribute_created(scene: Scene) -> httpx.Response:
    return await scene.client.post(
        "/v3/contacts/attributes/normal/AVG_RESPONSE_TIME", json={"type": "float"}
    )


async def _attributes(scene: Scene) -> httpx.Response:
    return await scene.client.get("/v3/contacts/attributes")


async def _list_created(scene: Scene) -> httpx.Response:
    return await scene.request("create_list_request")


async def _lists(scene: Scene) -> httpx.Response:
    return await scene.client.get("/v3/contacts/lists")


async def _imported(scene: Scene) -> httpx.Response:
    return await scene.request("import_request")


async def _process_queued(scene: Scene) -> httpx.Response:
    await scene.request("import_request")
    return await scene.client.get("/v3/processes/1")


async def _process_completed(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[{**JANE, "email": "other@example.com"}])
    await scene.request("import_request")
    await scene.client.get("/v3/processes/1")
    return await scene.client.get("/v3/processes/1")


async def _list_added(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[JANE, SAM])
    return await scene.request("list_add_request_emails")


async def _list_removed(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(
        contacts=[
            {**JANE, "id": 1042, "listIds": [7]},
            {**SAM, "id": 1043, "listIds": [7]},
        ]
    )
    return await scene.request("list_remove_request_ids")


async def _event(scene: Scene) -> httpx.Response:
    return await scene.request("event_request")


async def _batch(scene: Scene) -> httpx.Response:
    return await scene.request("events_batch_request")


async def _batch_partial(scene: Scene) -> httpx.Response:
    events = scene.reference("events_batch_request")["body"]["events"]
    broken = {**events[1], "event_name": "not valid!"}
    return await scene.client.post(
        "/v3/events/batch", json={"events": [events[0], broken]}
    )


async def _attribute_exists(scene: Scene) -> httpx.Response:
    return await scene.request("create_attribute_request")


async def _contact_missing(scene: Scene) -> httpx.Response:
    return await scene.client.get("/v3/contacts/nobody%40example.com")


async def _duplicate_email(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[JANE])
    return await scene.client.post("/v3/contacts", json={"email": JANE["email"]})


async def _duplicate_sms(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[{**SAM, "attributes": {"SMS": "+447700900123"}}])
    return await scene.request("create_contact_request")


async def _update_duplicate_sms(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[JANE, {**SAM, "attributes": {"SMS": "+447700900123"}}])
    return await scene.client.put(
        "/v3/contacts/jane.doe%40example.com",
        json={"attributes": {"SMS": "+447700900123"}},
    )


async def _folder_missing(scene: Scene) -> httpx.Response:
    return await scene.client.post(
        "/v3/contacts/lists", json={"name": "X", "folderId": 9}
    )


async def _invalid_phone(scene: Scene) -> httpx.Response:
    return await scene.client.post(
        "/v3/contacts",
        json={"email": "a@example.com", "attributes": {"SMS": "07700900123"}},
    )


async def _already_member(scene: Scene) -> httpx.Response:
    scene.sandbox.seed(contacts=[{**JANE, "listIds": [7]}])
    return await scene.client.post(
        "/v3/contacts/lists/7/contacts/add", json={"emails": [JANE["email"]]}
    )


async def _wrong_key(scene: Scene) -> httpx.Response:
    return await scene.client.get("/v3/account", headers={"api-key": "xkeysib-wrong"})


async def _no_key(scene: Scene) -> httpx.Response:
    anonymous = scene.limited_client(api_key=None)
    return await anonymous.get("/v3/account")


async def _too_many(scene: Scene) -> httpx.Response:
    client = scene.limited_client()
    for _ in range(10):
        await client.get("/v3/contacts/lists")
    return await client.get("/v3/contacts/lists")


async def _too_many_hourly(scene: Scene) -> httpx.Response:
    client = scene.limited_client()
    for _ in range(100):
        await client.get("/v3/account")
    return await client.get("/v3/account")


SCENARIOS: dict[str, Scenario] = {
    "create_contact_response_201": _created,
    "create_contact_response_204_updated": _upserted,
    "update_contact_response_204": _updated,
    "get_contact_response": _read,
    "get_contact_sms_only_response": _read_sms_only,
    "create_attribute_response_201": _attribute_created,
    "get_attributes_response": _attributes,
    "create_list_response_201": _list_created,
    "get_lists_response": _lists,
    "import_response_202": _imported,
    "process_response_queued": _process_queued,
    "process_response_completed": _process_completed,
    "list_add_response_201": _list_added,
    "list_remove_response_201": _list_removed,
    "event_response_204": _event,
    "events_batch_response_202": _batch,
    "events_batch_response_207": _batch_partial,
    "error_attribute_exists": _attribute_exists,
    "error_contact_not_found": _contact_missing,
    "error_duplicate_email": _duplicate_email,
    "error_duplicate_sms": _duplicate_sms,
    "error_update_duplicate_sms": _update_duplicate_sms,
    "error_folder_not_found": _folder_missing,
    "error_invalid_phone": _invalid_phone,
    "error_list_already_member": _already_member,
    "error_unauthorized": _wrong_key,
    "error_unauthorized_no_header": _no_key,
    "ratelimit_429": _too_many,
    "ratelimit_429_hourly_bucket": _too_many_hourly,
}
# Brevo's example of an SMS-only contact omits listUnsubscribed; the full one has it.
EXTRA_KEYS = {"get_contact_sms_only_response": {"listUnsubscribed"}}


def shape(value: Any) -> Any:
    """Return the JSON type skeleton of a value."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null" if value is None else "string"


def shape_problems(
    actual: Any, expected: Any, where: str, extra: set[str]
) -> list[str]:
    """Return where `actual` differs in shape from `expected`."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {actual!r}"]
        problems = []
        if set(actual) - extra != set(expected):
            problems.append(f"{where}: keys {sorted(actual)} != {sorted(expected)}")
        for key in set(actual) & set(expected):
            problems += shape_problems(
                actual[key], expected[key], f"{where}.{key}", set()
            )
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected an array, got {actual!r}"]
        if expected and not actual:
            return [f"{where}: expected items, got an empty array"]
        problems = []
        for index, item in enumerate(actual if expected else []):
            model = expected[min(index, len(expected) - 1)]
            problems += shape_problems(item, model, f"{where}[{index}]", set())
        return problems
    return [] if actual == expected else [f"{where}: {actual} != {expected}"]


def test_every_reference_response_has_a_scenario() -> None:
    files = {
        path.stem
        for path in REFERENCE.glob("*.json")
        if "_response" in path.stem or path.stem.startswith(("error_", "ratelimit_"))
    }
    assert files == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_response_matches_reference_shape(
    name: str,
    client: httpx.AsyncClient,
    sandbox: BrevoSandbox,
    reference: Loader,
    new_sandbox: Callable[..., BrevoSandbox],
    make_client: Callable[..., httpx.AsyncClient],
) -> None:
    limited = new_sandbox()
    scene = Scene(
        client=client,
        sandbox=sandbox,
        reference=reference,
        limited_client=lambda **options: make_client(limited, **options),
    )
    expected = reference(name)
    response = await SCENARIOS[name](scene)
    body = response.json() if response.content else None
    extra = EXTRA_KEYS.get(name, set())
    assert response.status_code == expected["status"]
    assert shape_problems(shape(body), shape(expected["body"]), "$", extra) == []
    for header in RATE_HEADERS:
        if header in expected["headers"]:
            assert header in response.headers, f"{header} missing"
    if "content-type" in expected["headers"]:
        assert response.headers["content-type"] == expected["headers"]["content-type"]
