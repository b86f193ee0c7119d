"""Receiver fixtures: settings with a fake secret and an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tajo.config import WebhookConfig
from tajo.store import Store
from tajo.webhooks import create_webhook_app

SECRET = "webhook-secret-for-tests-0123456789"
HEADER = "x-tajo-secret"


@pytest.fixture
def webhook_config() -> WebhookConfig:
    """The receiver settings: a fake secret and a 64 KiB body limit."""
    return WebhookConfig.model_validate({"secret": SECRET, "max_body_bytes": 65536})


@pytest.fixture
def receiver(store: Store, webhook_config: WebhookConfig) -> Starlette:
    """The receiver app writing to `store`."""
    return create_webhook_app(store=store, config=webhook_config)


@pytest.fixture
async def client(receiver: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the receiver in-process."""
    transport = httpx.ASGITransport(app=receiver)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://receiver.test"
    ) as http:
        yield http
