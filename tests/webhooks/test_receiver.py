"""The receiver over HTTP: auth, size limit, body shapes, the inbox and the ledger."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from tests.webhooks.fixtures import HEADER, SECRET

from tajo.config import WebhookConfig
from tajo.store import (
    InboxItem,
    Store,
    claim_inbox,
    create_store_engine,
    list_failed_records,
)
from tajo.store.inbox_repo import queue_depths
from tajo.webhooks import create_webhook_app

PATH = "/webhooks/gorgias"
AUTH = {HEADER: SECRET}


def inbox(store: Store) -> list[InboxItem]:
    with store.transaction("gorgias") as tx:
        return claim_inbox(tx, "inspector")


def inbox_depth(store: Store) -> int:
    with store.transaction("gorgias", read_only=True) as tx:
        return queue_depths(tx).inbox


def rejections(store: Store) -> list[str]:
    with store.transaction("gorgias", read_only=True) as tx:
        return [entry.reason for entry in list_failed_records(tx, source="webhook")]


async def test_receiver_templated_json_202(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = {"ticket_id": "4411", "event_type": "ticket-updated"}
    response = await client.post(PATH, json=body, headers=AUTH)
    assert response.status_code == 202
    assert response.json()["ticket_id"] == 4411


async def test_receiver_stores_raw_delivery(
    client: httpx.AsyncClient, store: Store
) -> None:
    raw = b'{"ticket_id": "4411"}'
    headers = {**AUTH, "content-type": "application/json"}
    await client.post(PATH, content=raw, headers=headers)
    [item] = inbox(store)
    assert (item.ticket_id, item.body, item.content_type) == (
        4411,
        raw,
        "application/json",
    )


async def test_receiver_masks_secret_header(
    client: httpx.AsyncClient, store: Store
) -> None:
    await client.post(PATH, json={"ticket_id": "1"}, headers=AUTH)
    [item] = inbox(store)
    assert SECRET not in json.dumps(item.headers)


async def test_receiver_query_token_accepted_and_not_stored(
    client: httpx.AsyncClient, store: Store
) -> None:
    url = f"{PATH}?token={SECRET}&ticket_id=9"
    response = await client.post(url, content=b"")
    [item] = inbox(store)
    assert response.status_code == 202
    assert item.query_string == "ticket_id=9"


async def test_receiver_form_body_202(client: httpx.AsyncClient, store: Store) -> None:
    response = await client.post(
        PATH, data={"ticket_id": "31", "event_type": "ticket-created"}, headers=AUTH
    )
    assert response.status_code == 202
    assert [item.ticket_id for item in inbox(store)] == [31]


async def test_receiver_whole_context_202(client: httpx.AsyncClient) -> None:
    context = {"id": 86538, "status": "closed", "customer": {"id": 3}, "tags": []}
    response = await client.post(PATH, json=context, headers=AUTH)
    assert response.json()["ticket_id"] == 86538


async def test_receiver_wrong_secret_401_leaves_nothing(
    client: httpx.AsyncClient, store: Store
) -> None:
    headers = {HEADER: "not-the-secret-at-all"}
    response = await client.post(PATH, json={"ticket_id": "1"}, headers=headers)
    assert response.status_code == 401
    assert inbox_depth(store) == 0
    assert rejections(store) == []


async def test_receiver_no_secret_401(client: httpx.AsyncClient) -> None:
    response = await client.post(PATH, json={"ticket_id": "1"})
    assert response.status_code == 401


async def test_receiver_401_does_not_echo_body(client: httpx.AsyncClient) -> None:
    response = await client.post(PATH, json={"ticket_id": "echo-me-back"})
    assert "echo-me-back" not in response.text


async def test_receiver_5mb_body_413(client: httpx.AsyncClient, store: Store) -> None:
    big = b'{"ticket_id": "1", "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    headers = {**AUTH, "content-type": "application/json"}
    response = await client.post(PATH, content=big, headers=headers)
    assert response.status_code == 413
    assert inbox_depth(store) == 0
    assert rejections(store) == ["body_too_large"]


async def test_receiver_streamed_body_over_limit_413(
    client: httpx.AsyncClient, store: Store
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"ticket_id": "1", "pad": "'
        for _ in range(100):
            yield b"y" * 4096

    headers = {**AUTH, "content-type": "application/json"}
    response = await client.post(PATH, content=chunks(), headers=headers)
    assert response.status_code == 413
    assert inbox_depth(store) == 0


async def test_receiver_invalid_json_400_kept_in_ledger(
    client: httpx.AsyncClient, store: Store
) -> None:
    headers = {**AUTH, "content-type": "application/json"}
    response = await client.post(PATH, content=b'{"ticket_id": "7",', headers=headers)
    assert response.status_code == 400
    assert inbox_depth(store) == 0
    assert rejections(store) == ["invalid_json"]


async def test_receiver_ledger_keeps_body_without_secret(
    client: httpx.AsyncClient, store: Store
) -> None:
    raw = b'{"broken": "' + SECRET.encode() + b'"'
    headers = {**AUTH, "content-type": "application/json"}
    await client.post(PATH, content=raw, headers=headers)
    with store.transaction("gorgias", read_only=True) as tx:
        [entry] = list_failed_records(tx, source="webhook")
    assert entry.payload["body"].startswith('{"broken": "')
    assert SECRET not in json.dumps(entry.payload)


async def test_receiver_unknown_content_type_415(
    client: httpx.AsyncClient, store: Store
) -> None:
    headers = {**AUTH, "content-type": "text/xml"}
    response = await client.post(PATH, content=b"<ticket id='1'/>", headers=headers)
    assert response.status_code == 415
    assert inbox_depth(store) == 0
    assert rejections(store) == ["unsupported_content_type"]


async def test_receiver_no_ticket_id_422(
    client: httpx.AsyncClient, store: Store
) -> None:
    response = await client.post(PATH, json={"customer_id": "3"}, headers=AUTH)
    assert response.status_code == 422
    assert rejections(store) == ["no_ticket_id"]


async def test_receiver_same_bad_body_one_ledger_entry(
    client: httpx.AsyncClient, store: Store
) -> None:
    for _ in range(3):
        await client.post(PATH, json={"customer_id": "3"}, headers=AUTH)
    with store.transaction("gorgias", read_only=True) as tx:
        [entry] = list_failed_records(tx, source="webhook")
    assert entry.attempts == 3


async def test_receiver_get_on_delivery_path_405(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH, headers=AUTH)
    assert response.status_code == 405


async def test_receiver_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_receiver_readyz(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200


async def test_receiver_readyz_503_when_store_unreachable(
    webhook_config: WebhookConfig,
) -> None:
    # Nothing listens on port 1 of the loopback address.
    engine = create_store_engine("postgresql+psycopg://tajo@127.0.0.1:1/none")
    app = create_webhook_app(store=Store(engine), config=webhook_config)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as http:
        response = await http.get("/readyz")
    engine.dispose()
    assert response.status_code == 503


async def test_receiver_delivery_503_when_store_unreachable(
    webhook_config: WebhookConfig,
) -> None:
    engine = create_store_engine("postgresql+psycopg://tajo@127.0.0.1:1/none")
    app = create_webhook_app(store=Store(engine), config=webhook_config)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as http:
        response = await http.post(PATH, json={"ticket_id": "1"}, headers=AUTH)
    engine.dispose()
    assert response.status_code == 503


async def test_receiver_metrics_count_outcomes(client: httpx.AsyncClient) -> None:
    await client.post(PATH, json={"ticket_id": "1"}, headers=AUTH)
    await client.post(PATH, json={"ticket_id": "1"})
    text = (await client.get("/metrics")).text
    assert "tajo_webhook_deliveries_accepted_total 1.0" in text
    assert 'tajo_webhook_deliveries_rejected_total{reason="unauthorized"} 1.0' in text
    assert "tajo_inbox_depth 1.0" in text


async def test_receiver_mounted_under_prefix(
    store: Store, webhook_config: WebhookConfig
) -> None:
    outer = Starlette(
        routes=[
            Mount("/tajo", app=create_webhook_app(store=store, config=webhook_config))
        ]
    )
    transport = httpx.ASGITransport(app=outer)
    async with httpx.AsyncClient(transport=transport, base_url="http://r") as http:
        response = await http.post(
            f"/tajo{PATH}", json={"ticket_id": "5"}, headers=AUTH
        )
    assert response.status_code == 202


@pytest.mark.parametrize("header", ["X-Tajo-Secret", "x-tajo-secret", "X-TAJO-SECRET"])
async def test_receiver_header_name_any_case(
    client: httpx.AsyncClient, header: str
) -> None:
    response = await client.post(
        PATH, json={"ticket_id": "5"}, headers={header: SECRET}
    )
    assert response.status_code == 202
