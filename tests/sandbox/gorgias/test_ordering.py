"""Each list endpoint accepts exactly its documented `order_by` values."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

ACCEPTED = [
    ("/api/customers", "created_datetime:asc"),
    ("/api/customers", "updated_datetime:desc"),
    ("/api/tickets", "created_datetime:desc"),
    ("/api/tickets", "updated_datetime:asc"),
    ("/api/messages", "created_datetime:asc"),
    ("/api/events", "created_datetime:asc"),
    ("/api/events", "created_datetime"),
    ("/api/satisfaction-surveys", "created_datetime:desc"),
    ("/api/users", "name:asc"),
    ("/api/users", "email:desc"),
    ("/api/users", "created_datetime:asc"),
    ("/api/tags", "name:asc"),
    ("/api/tags", "usage:asc,name:asc"),
    ("/api/tags", "usage:desc,name:desc"),
    ("/api/tags", "created_datetime:desc"),
    ("/api/macros", "updated_datetime:desc"),
    ("/api/macros", "usage:asc"),
    ("/api/rules", "created_datetime:asc"),
    ("/api/integrations", "created_datetime:desc"),
]

REJECTED = [
    ("/api/customers", "name:asc"),
    ("/api/customers", "updated_datetime"),
    ("/api/customers", "id:desc"),
    ("/api/tickets", "status:asc"),
    ("/api/tickets", "updated_datetime:up"),
    ("/api/messages", "updated_datetime:desc"),
    ("/api/events", "updated_datetime:asc"),
    ("/api/satisfaction-surveys", "scored_datetime:desc"),
    ("/api/satisfaction-surveys", "updated_datetime:desc"),
    ("/api/users", "updated_datetime:desc"),
    ("/api/tags", "usage:desc"),
    ("/api/tags", "usage:asc,name:desc"),
    ("/api/macros", "relevance:desc"),
    ("/api/rules", "updated_datetime:desc"),
    ("/api/integrations", "name:asc"),
]


@pytest.mark.parametrize(("path", "order_by"), ACCEPTED)
async def test_order_by_accepted(
    gclient: httpx.AsyncClient, path: str, order_by: str
) -> None:
    response = await gclient.get(path, params={"order_by": order_by})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("path", "order_by"), REJECTED)
async def test_order_by_rejected(
    gclient: httpx.AsyncClient, path: str, order_by: str
) -> None:
    response = await gclient.get(path, params={"order_by": order_by})
    assert response.status_code == 400
    assert "order_by" in response.json()["error"]["data"]


async def test_custom_fields_order_by_priority(gclient: httpx.AsyncClient) -> None:
    params = {"object_type": "Customer", "order_by": "priority:desc"}
    body = (await gclient.get("/api/custom-fields", params=params)).json()
    priorities = [f["priority"] for f in body["data"]]
    assert priorities == sorted(priorities, reverse=True)


async def test_tags_usage_then_name(gclient: httpx.AsyncClient) -> None:
    params = {"order_by": "usage:desc,name:desc", "limit": 100}
    tags = (await gclient.get("/api/tags", params=params)).json()["data"]
    keys = [(t["usage"], t["name"]) for t in tags]
    assert keys == sorted(keys, reverse=True)


async def test_macros_relevance_needs_ticket(gclient: httpx.AsyncClient) -> None:
    params = {"order_by": "relevance:desc", "ticket_id": "1"}
    response = await gclient.get("/api/macros", params=params)
    assert response.status_code == 200


async def test_default_order_is_newest_first(gclient: httpx.AsyncClient) -> None:
    tickets = (await gclient.get("/api/tickets", params={"limit": 50})).json()["data"]
    instants = [instant(t["created_datetime"]) for t in tickets]
    assert instants == sorted(instants, reverse=True)


def instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
