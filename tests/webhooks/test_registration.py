"""Creating, checking and removing the Gorgias HTTP integration on the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tajo.clock import FakeClock
from tajo.errors import ConfigError
from tajo.gorgias import GorgiasClient
from tajo.http import Backoff
from tajo.redact import Secret
from tajo.sandbox.gorgias import GorgiasSandbox, create_app
from tajo.webhooks import (
    BODY_TEMPLATE,
    check_webhook,
    register_webhook,
    unregister_webhook,
)

EMAIL = "owner@example.com"
KEY = "gorgias-fake-key-for-webhooks"
URL = "https://tajo.example.com/webhooks/gorgias"
SECRET = Secret("registration-secret-0123456789")
# Nothing listens on port 9 of the loopback address, so every call fails.
DEAD_URL = "http://127.0.0.1:9/webhooks/gorgias"


@pytest.fixture
def sandbox(clock: FakeClock) -> Iterator[GorgiasSandbox]:
    """An empty account that deactivates an integration after one failure."""
    with GorgiasSandbox(
        email=EMAIL,
        api_key=KEY,
        clock=clock.monotonic,
        now=clock.now,
        integration_failure_limit=1,
        delivery_attempts=1,
        delivery_retry_delay=0.0,
    ) as sandbox:
        yield sandbox


@pytest.fixture
async def gorgias(
    sandbox: GorgiasSandbox, clock: FakeClock
) -> AsyncIterator[GorgiasClient]:
    """A client for the sandbox, served in-process."""
    async with GorgiasClient(
        "yourstore",
        EMAIL,
        Secret(KEY),
        base_url="http://127.0.0.1:9/api/",
        clock=clock,
        backoff=Backoff(random=lambda: 1.0),
        transport=httpx.ASGITransport(app=create_app(sandbox)),
    ) as client:
        yield client


async def test_register_creates_http_integration(
    gorgias: GorgiasClient, sandbox: GorgiasSandbox
) -> None:
    integration_id = await register_webhook(gorgias, public_url=URL, secret=SECRET)
    integration = await gorgias.get_integration(integration_id)
    assert integration.http is not None
    assert integration.http.url == URL
    assert integration.http.headers == {"x-tajo-secret": SECRET.reveal()}
    assert integration.http.form == BODY_TEMPLATE


async def test_register_enables_default_triggers(gorgias: GorgiasClient) -> None:
    integration_id = await register_webhook(gorgias, public_url=URL, secret=SECRET)
    integration = await gorgias.get_integration(integration_id)
    assert integration.http is not None
    enabled = {name for name, on in integration.http.triggers.items() if on}
    assert enabled == {"ticket-created", "ticket-updated", "ticket-message-created"}


async def test_register_twice_updates_same_integration(
    gorgias: GorgiasClient,
) -> None:
    first = await register_webhook(gorgias, public_url=URL, secret=SECRET)
    second = await register_webhook(
        gorgias, public_url=URL, secret=Secret("rotated-secret-abcdefghijkl")
    )
    integration = await gorgias.get_integration(second)
    assert second == first
    assert integration.http is not None
    assert integration.http.headers["x-tajo-secret"] == "rotated-secret-abcdefghijkl"


async def test_register_narrower_triggers_switches_others_off(
    gorgias: GorgiasClient,
) -> None:
    await register_webhook(gorgias, public_url=URL, secret=SECRET)
    integration_id = await register_webhook(
        gorgias, public_url=URL, secret=SECRET, triggers=("ticket-updated",)
    )
    integration = await gorgias.get_integration(integration_id)
    assert integration.http is not None
    enabled = {name for name, on in integration.http.triggers.items() if on}
    assert enabled == {"ticket-updated"}


async def test_register_rejects_plain_http_remote_url(
    gorgias: GorgiasClient,
) -> None:
    with pytest.raises(ConfigError, match="public_url"):
        await register_webhook(
            gorgias, public_url="http://tajo.example.com/hook", secret=SECRET
        )


async def test_check_active_webhook_ok(gorgias: GorgiasClient) -> None:
    await register_webhook(gorgias, public_url=URL, secret=SECRET)
    health = await check_webhook(gorgias)
    assert health.ok


async def test_check_missing_webhook_says_register(gorgias: GorgiasClient) -> None:
    health = await check_webhook(gorgias)
    assert health.status == "missing"
    assert "tajo webhooks register" in health.message


async def test_check_deactivated_webhook_says_how_to_fix(
    gorgias: GorgiasClient, sandbox: GorgiasSandbox
) -> None:
    await register_webhook(gorgias, public_url=DEAD_URL, secret=SECRET)
    customer = sandbox.create_customer(email="jane@example.com", name="Jane")
    sandbox.create_ticket(customer["id"], subject="Where is my order?")
    assert sandbox.wait_for_deliveries(timeout=10)
    health = await check_webhook(gorgias)
    assert health.status == "deactivated"
    assert health.deactivated_at is not None
    assert "Settings > Integrations > HTTP" in health.message
    assert "back-fills" in health.message


async def test_register_reactivates_deactivated_webhook(
    gorgias: GorgiasClient, sandbox: GorgiasSandbox
) -> None:
    await register_webhook(gorgias, public_url=DEAD_URL, secret=SECRET)
    customer = sandbox.create_customer(email="jane@example.com", name="Jane")
    sandbox.create_ticket(customer["id"], subject="Where is my order?")
    assert sandbox.wait_for_deliveries(timeout=10)
    await register_webhook(gorgias, public_url=DEAD_URL, secret=SECRET)
    health = await check_webhook(gorgias)
    assert health.ok


async def test_check_trigger_switched_off_misconfigured(
    gorgias: GorgiasClient,
) -> None:
    await register_webhook(
        gorgias, public_url=URL, secret=SECRET, triggers=("ticket-created",)
    )
    health = await check_webhook(gorgias)
    assert health.status == "misconfigured"
    assert "ticket-updated" in health.message


async def test_unregister_deletes_it(gorgias: GorgiasClient) -> None:
    integration_id = await register_webhook(gorgias, public_url=URL, secret=SECRET)
    removed = await unregister_webhook(gorgias)
    health = await check_webhook(gorgias)
    assert removed == [integration_id]
    assert health.status == "missing"


async def test_unregister_finds_by_url(gorgias: GorgiasClient) -> None:
    await register_webhook(gorgias, public_url=URL, secret=SECRET, name="renamed")
    removed = await unregister_webhook(gorgias, public_url=URL)
    assert len(removed) == 1


async def test_check_message_never_shows_secret(gorgias: GorgiasClient) -> None:
    await register_webhook(
        gorgias, public_url=URL, secret=SECRET, triggers=("ticket-created",)
    )
    health = await check_webhook(gorgias)
    assert SECRET.reveal() not in repr(health)


async def test_check_other_url_misconfigured(gorgias: GorgiasClient) -> None:
    await register_webhook(gorgias, public_url=URL, secret=SECRET)
    moved = "https://new.example.com/webhooks/gorgias"
    health = await check_webhook(gorgias, public_url=moved)
    assert health.status == "misconfigured"
    assert moved in health.message
