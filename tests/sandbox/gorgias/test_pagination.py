"""Cursor pagination: envelope, limits, cursor expiry, stable order."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.sandbox.gorgias import GorgiasSandbox

from .conftest import api_client, collect, make_sandbox


def customers(count: int, stamp: str = "2026-01-01T00:00:00+00:00") -> list[dict]:
    return [
        {
            "id": i,
            "email": f"c{i}@example.com",
            "created_datetime": stamp,
            "updated_datetime": stamp,
        }
        for i in range(1, count + 1)
    ]


async def test_limit_defaults_to_thirty(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(45))
    body = (await client.get("/api/customers")).json()
    assert len(body["data"]) == 30
    assert body["meta"]["prev_cursor"] is None
    assert body["meta"]["next_cursor"] is not None


@pytest.mark.parametrize("limit", ["0", "101", "-5", "ten", "1.5"])
async def test_limit_out_of_bounds_is_400(
    client: httpx.AsyncClient, limit: str
) -> None:
    response = await client.get("/api/customers", params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["data"]


async def test_limit_hundred_is_accepted(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(120))
    body = (await client.get("/api/customers", params={"limit": 100})).json()
    assert len(body["data"]) == 100


async def test_pages_cover_every_item_once(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(95))
    items = await collect(client, "/api/customers", limit=10)
    ids = [item["id"] for item in items]
    assert len(ids) == 95
    assert set(ids) == set(range(1, 96))


async def test_ties_are_broken_by_id(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(25))
    ascending = await collect(
        client, "/api/customers", limit=7, order_by="created_datetime:asc"
    )
    descending = await collect(
        client, "/api/customers", limit=7, order_by="created_datetime:desc"
    )
    assert [c["id"] for c in ascending] == list(range(1, 26))
    assert [c["id"] for c in descending] == list(range(25, 0, -1))


async def test_mixed_datetime_formats_sort_by_instant(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    stamps = {
        1: "2024-06-20 07:39:36.514848+00:00",
        2: "2024-06-20T09:00:00+02:00",  # 07:00 UTC, earliest
        3: "2024-06-20T07:30:00",  # naive means UTC
        4: "2024-06-20T07:45:00.5+00:00",
    }
    sandbox.seed_objects(
        customers=[
            {"id": i, "created_datetime": s, "updated_datetime": s}
            for i, s in stamps.items()
        ]
    )
    body = (
        await client.get("/api/customers", params={"order_by": "created_datetime:asc"})
    ).json()
    assert [c["id"] for c in body["data"]] == [2, 3, 1, 4]
    assert body["data"][0]["created_datetime"] == stamps[2]


async def test_prev_cursor_returns_previous_page(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(12))
    params = {"limit": 5, "order_by": "created_datetime:asc"}
    first = (await client.get("/api/customers", params=params)).json()
    second = (
        await client.get(
            "/api/customers", params={**params, "cursor": first["meta"]["next_cursor"]}
        )
    ).json()
    back = (
        await client.get(
            "/api/customers", params={**params, "cursor": second["meta"]["prev_cursor"]}
        )
    ).json()
    assert [c["id"] for c in second["data"]] == [6, 7, 8, 9, 10]
    assert [c["id"] for c in back["data"]] == [1, 2, 3, 4, 5]
    assert back["meta"]["prev_cursor"] is None


async def test_cursor_is_opaque_base64(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(3))
    cursor = (await client.get("/api/customers", params={"limit": 1})).json()["meta"][
        "next_cursor"
    ]
    decoded = json.loads(base64.b64decode(cursor))
    assert decoded[0] == "next"


async def test_cursor_expires(clock: FakeClock) -> None:
    with make_sandbox(clock, cursor_ttl_seconds=60) as sandbox:
        sandbox.seed_objects(customers=customers(3))
        async with api_client(sandbox) as client:
            first = (await client.get("/api/customers", params={"limit": 1})).json()
            clock.advance(61)
            response = await client.get(
                "/api/customers",
                params={"limit": 1, "cursor": first["meta"]["next_cursor"]},
            )
    assert response.status_code == 400
    assert "expired" in response.json()["error"]["data"]["cursor"][0]


async def test_cursor_still_valid_before_ttl(clock: FakeClock) -> None:
    with make_sandbox(clock, cursor_ttl_seconds=60) as sandbox:
        sandbox.seed_objects(customers=customers(3))
        async with api_client(sandbox) as client:
            first = (await client.get("/api/customers", params={"limit": 1})).json()
            clock.advance(59)
            response = await client.get(
                "/api/customers",
                params={"limit": 1, "cursor": first["meta"]["next_cursor"]},
            )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "cursor",
    ["garbage", base64.b64encode(b'["next", 1, 999]').decode(), "", "WyJuZXh0Il0="],
    ids=["not-base64", "unknown", "empty", "short"],
)
async def test_garbled_cursor_is_400(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.get("/api/customers", params={"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["data"]


async def test_cursor_bound_to_order_by(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(3))
    params = {"limit": 1, "order_by": "updated_datetime:desc"}
    cursor = (await client.get("/api/customers", params=params)).json()["meta"][
        "next_cursor"
    ]
    dropped = await client.get("/api/customers", params={"limit": 1, "cursor": cursor})
    assert dropped.status_code == 400


async def test_cursor_bound_to_endpoint(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(3))
    cursor = (await client.get("/api/customers", params={"limit": 1})).json()["meta"][
        "next_cursor"
    ]
    response = await client.get("/api/tickets", params={"cursor": cursor})
    assert response.status_code == 400


async def test_updated_item_moves_during_scan(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(6))
    params = {"limit": 3, "order_by": "updated_datetime:desc"}
    first = (await client.get("/api/customers", params=params)).json()
    # Customer 1 was on no page yet; an update moves it ahead of the cursor.
    sandbox.update_customer(1, note="changed")
    second = (
        await client.get(
            "/api/customers", params={**params, "cursor": first["meta"]["next_cursor"]}
        )
    ).json()
    seen = [c["id"] for c in first["data"] + second["data"]]
    assert 1 not in seen
    assert len(seen) == 5


async def test_trailing_slash_is_served(
    sandbox: GorgiasSandbox, client: httpx.AsyncClient
) -> None:
    sandbox.seed_objects(customers=customers(2))
    plain = await client.get("/api/customers")
    slashed = await client.get("/api/customers/")
    assert slashed.status_code == 200
    assert slashed.json()["data"] == plain.json()["data"]
