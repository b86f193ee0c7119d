"""Server-side filters and strict query parameters."""

from __future__ import annotations

import httpx
import pytest

from tajo.sandbox.gorgias import GorgiasSandbox

from .conftest import collect, payload


def events() -> list[dict]:
    base = payload("event_ticket_closed.json")
    rows = [
        (1, "ticket-created", "2026-08-01T10:00:00+00:00", 10, None),
        (2, "ticket-closed", "2026-08-02T10:00:00", 10, 7),
        (3, "ticket-updated", "2026-08-03 10:00:00.5+00:00", 11, 7),
        (4, "macro-applied", "2026-08-04T12:00:00+02:00", 11, 8),
        (5, "customer-deleted", "2026-08-05T10:00:00+00:00", 99, None),
    ]
    found = []
    for event_id, kind, stamp, object_id, user_id in rows:
        object_type = "Customer" if kind.startswith("customer") else "Ticket"
        found.append(
            {
                **base,
                "id": event_id,
                "type": kind,
                "created_datetime": stamp,
                "object_id": object_id,
                "object_type": object_type,
                "user_id": user_id,
            }
        )
    return found


@pytest.fixture
def with_events(sandbox: GorgiasSandbox) -> GorgiasSandbox:
    sandbox.seed_objects(events=events())
    return sandbox


async def event_ids(
    client: httpx.AsyncClient, params: list[tuple[str, str]]
) -> list[int]:
    query = [*params, ("order_by", "created_datetime:asc")]
    response = await client.get("/api/events", params=query)
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["data"]]


@pytest.mark.parametrize(
    ("bound", "value", "expected"),
    [
        ("gte", "2026-08-03T10:00:00.5Z", [3, 4, 5]),
        ("gt", "2026-08-03T10:00:00.5+00:00", [4, 5]),
        ("lt", "2026-08-02T10:00:00", [1]),
        ("lte", "2026-08-02T10:00:00+00:00", [1, 2]),
    ],
)
async def test_events_created_datetime_bounds(
    with_events: GorgiasSandbox,
    client: httpx.AsyncClient,
    bound: str,
    value: str,
    expected: list[int],
) -> None:
    ids = await event_ids(client, [(f"created_datetime[{bound}]", value)])
    assert ids == expected


async def test_events_types_repeated_keys(
    with_events: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    params = [("types", "ticket-closed"), ("types", "macro-applied")]
    assert await event_ids(client, params) == [2, 4]


async def test_events_types_bracket_spelling(
    with_events: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    params = [("types[]", "ticket-created")]
    assert await event_ids(client, params) == [1]


async def test_events_object_filter(
    with_events: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    params = [("object_type", "Ticket"), ("object_id", "11")]
    assert await event_ids(client, params) == [3, 4]


async def test_events_user_ids_filter(
    with_events: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    params = [("user_ids", "7"), ("user_ids", "8")]
    assert await event_ids(client, params) == [2, 3, 4]


@pytest.mark.parametrize(
    "params",
    [
        [("object_type", "Message")],
        [("object_type", "TicketRule")],
        [("object_id", "11")],
        [("created_datetime[gte]", "last tuesday")],
        [("created_datetime[after]", "2026-08-01")],
        [("user_ids", "seven")],
    ],
    ids=["message", "ticket-rule", "id-alone", "bad-date", "bad-bound", "bad-user"],
)
async def test_events_bad_filters_are_400(
    client: httpx.AsyncClient, params: list[tuple[str, str]]
) -> None:
    response = await client.get("/api/events", params=params)
    assert response.status_code == 400


async def test_tickets_list_spam_and_trashed_by_default(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    normal = {**payload("ticket.json"), "id": 1}
    junk = {**payload("ticket_spam_trashed.json"), "id": 2}
    sandbox.seed_objects(tickets=[normal, junk])
    listed = await collect(client, "/api/tickets")
    assert {t["id"] for t in listed} == {1, 2}


async def test_tickets_trashed_false_hides_trashed(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    normal = {**payload("ticket.json"), "id": 1}
    junk = {**payload("ticket_spam_trashed.json"), "id": 2}
    sandbox.seed_objects(tickets=[normal, junk])
    listed = await collect(client, "/api/tickets", trashed="false")
    assert [t["id"] for t in listed] == [1]


async def test_tickets_customer_filter(gclient: httpx.AsyncClient) -> None:
    everything = await collect(gclient, "/api/tickets", limit=100)
    owner = next(t["customer"]["id"] for t in everything if t["customer"])
    expected = {t["id"] for t in everything if (t["customer"] or {}).get("id") == owner}
    found = await collect(gclient, "/api/tickets", customer_id=owner, limit=3)
    assert {t["id"] for t in found} == expected


async def test_tickets_too_many_ids_is_400(client: httpx.AsyncClient) -> None:
    params = [("ticket_ids", str(i)) for i in range(101)]
    response = await client.get("/api/tickets", params=params)
    assert response.status_code == 400


async def test_customers_email_filter_ignores_case(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(
        customers=[
            {**payload("customer.json"), "id": 1, "email": "Jane.Doe@Example.com "},
            {**payload("customer_no_email.json"), "id": 2},
        ]
    )
    body = (
        await client.get("/api/customers", params={"email": "jane.doe@example.com"})
    ).json()
    assert [c["id"] for c in body["data"]] == [1]


async def test_unknown_parameter_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/customers", params={"updated_datetime[gte]": "x"})
    assert response.status_code == 400
    assert "updated_datetime[gte]" in response.json()["error"]["data"]


async def test_surveys_have_no_filters(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/satisfaction-surveys", params={"ticket_id": "1"})
    assert response.status_code == 400


async def test_custom_fields_need_object_type(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/custom-fields")
    wrong = await client.get("/api/custom-fields", params={"object_type": "customer"})
    assert missing.status_code == 400
    assert wrong.status_code == 400


async def test_custom_fields_by_object_type(gclient: httpx.AsyncClient) -> None:
    body = (
        await gclient.get("/api/custom-fields", params={"object_type": "Ticket"})
    ).json()
    assert body["data"]
    assert {f["object_type"] for f in body["data"]} == {"Ticket"}


async def test_integrations_type_filter(gclient: httpx.AsyncClient) -> None:
    http_only = await gclient.get("/api/integrations", params={"type": "http"})
    shopify = await gclient.get("/api/integrations", params={"type": "shopify"})
    assert http_only.status_code == 200
    assert http_only.json()["data"] == []
    assert shopify.status_code == 400


async def test_messages_for_one_ticket(gclient: httpx.AsyncClient) -> None:
    ticket = (await gclient.get("/api/tickets", params={"limit": 1})).json()["data"][0]
    detail = (await gclient.get(f"/api/tickets/{ticket['id']}")).json()
    paged = await collect(
        gclient,
        "/api/messages",
        ticket_id=ticket["id"],
        limit=1,
        order_by="created_datetime:asc",
    )
    assert [m["id"] for m in paged] == [m["id"] for m in detail["messages"]]


async def test_customer_custom_fields_not_paginated(gclient: httpx.AsyncClient) -> None:
    customers = await collect(gclient, "/api/customers", limit=100)
    for customer in customers[:20]:
        response = await gclient.get(f"/api/customers/{customer['id']}/custom-fields")
        assert response.status_code == 200
        assert set(response.json()) == {"data"}


async def test_unknown_ids_are_404(client: httpx.AsyncClient) -> None:
    for path in (
        "/api/customers/5",
        "/api/tickets/5",
        "/api/satisfaction-surveys/5",
        "/api/customers/5/custom-fields",
        "/api/users/0",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json() == payload("error_404.json")["body"]
