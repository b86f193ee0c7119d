from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from tajo.brevo import BrevoClient, BrevoEvent, ContactUpsert, EmailRecipient
from tajo.clock import FakeClock
from tajo.errors import RateLimitedError, ServerError, TransportError
from tajo.http.retry import Backoff

EVENT = BrevoEvent(name="SUPPORT_TICKET_RESOLVED", identifiers={"ext_id": "gorgias-1"})


def _hits(sandbox: Any, method: str, path: str) -> list[Any]:
    return [r for r in sandbox.requests if r.method == method and r.path == path]


async def test_event_503_not_resent(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/events")
    with pytest.raises(ServerError) as caught:
        await brevo.send_event(EVENT)
    assert caught.value.status == 503
    assert len(_hits(sandbox, "POST", "/v3/events")) == 1
    assert sandbox.state()["events"] == []


async def test_event_lost_reply_not_resent(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault(
        "drop", count=1, path_prefix="/v3/events", after_processing=True
    )
    with pytest.raises(TransportError, match="may have reached Brevo"):
        await brevo.send_event(EVENT)
    assert len(_hits(sandbox, "POST", "/v3/events")) == 1
    assert len(sandbox.state()["events"]) == 1


async def test_batch_503_not_resent(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/events/batch")
    with pytest.raises(ServerError):
        await brevo.send_events([EVENT])
    assert len(_hits(sandbox, "POST", "/v3/events/batch")) == 1


async def test_email_503_not_resent(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/smtp/email")
    with pytest.raises(ServerError):
        await brevo.send_template_email(3, [EmailRecipient("jane@example.com")])
    assert len(_hits(sandbox, "POST", "/v3/smtp/email")) == 1
    assert sandbox.state()["emails"] == []


async def test_create_list_503_not_resent(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/contacts/lists")
    with pytest.raises(ServerError):
        await brevo.create_list("Support", folder_id=1)
    assert len(_hits(sandbox, "POST", "/v3/contacts/lists")) == 1


async def test_upsert_503_retried(
    brevo: BrevoClient, sandbox: Any, clock: FakeClock
) -> None:
    sandbox.inject_fault("server_error", count=2, path_prefix="/v3/contacts")
    result = await brevo.upsert_contact(ContactUpsert(email="jane@example.com"))
    assert result.created is True
    assert len(_hits(sandbox, "POST", "/v3/contacts")) == 3
    assert clock.sleeps == [0.5, 1.0]


async def test_upsert_lost_reply_retried_once(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault(
        "drop", count=1, path_prefix="/v3/contacts", after_processing=True
    )
    result = await brevo.upsert_contact(ContactUpsert(email="jane@example.com"))
    assert result.created is False
    assert len(_hits(sandbox, "POST", "/v3/contacts")) == 2
    assert len(sandbox.state()["contacts"]) == 1


async def test_get_503_retried(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/account")
    await brevo.get_account()
    assert len(_hits(sandbox, "GET", "/v3/account")) == 2


async def test_put_503_retried(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(contacts=[{"email": "jane@example.com"}])
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/contacts/jane")
    await brevo.update_contact(
        "jane@example.com", identifier_type="email_id", attributes={"FIRSTNAME": "J"}
    )
    assert sandbox.find_contact(email="jane@example.com")["attributes"] == {
        "FIRSTNAME": "J"
    }


async def test_get_503_gives_up_after_max_attempts(
    make_client: Any, sandbox_url: Any, clock: FakeClock
) -> None:
    sandbox, url = sandbox_url
    client = await make_client(
        httpx.AsyncHTTPTransport(),
        base_url=url,
        backoff=Backoff(max_attempts=3, random=lambda: 1.0),
    )
    sandbox.inject_fault("server_error", count=10, path_prefix="/v3/account")
    with pytest.raises(ServerError):
        await client.get_account()
    assert len(_hits(sandbox, "GET", "/v3/account")) == 3
    assert clock.sleeps == [0.5, 1.0]


async def test_event_connect_refused_retried(
    make_client: Any, sent_requests: list[Any], clock: FakeClock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = await make_client(
        httpx.AsyncHTTPTransport(),
        base_url=f"http://127.0.0.1:{closed_port}/v3",
        backoff=Backoff(max_attempts=4, random=lambda: 1.0),
    )
    with pytest.raises(TransportError, match="nothing reached Brevo"):
        await client.send_event(EVENT)
    assert len(sent_requests) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_event_429_waits_reset_then_sends(
    brevo: BrevoClient, sandbox: Any, sent_requests: list[Any]
) -> None:
    sandbox.inject_fault("rate_limit", count=1, path_prefix="/v3/events")
    await brevo.send_event(EVENT)
    hits = _hits(sandbox, "POST", "/v3/events")
    assert [sent.status for sent in sent_requests] == [429, 204]
    assert hits[1].at - hits[0].at == pytest.approx(1.0)
    assert len(sandbox.state()["events"]) == 1
    assert brevo.rate_limited_count == 1


async def test_429_retries_bounded(make_client: Any, sandbox_url: Any) -> None:
    sandbox, url = sandbox_url
    client = await make_client(
        httpx.AsyncHTTPTransport(), base_url=url, max_rate_limit_retries=3
    )
    sandbox.inject_fault("rate_limit", count=10, path_prefix="/v3/contacts")
    with pytest.raises(RateLimitedError) as caught:
        await client.upsert_contact(ContactUpsert(email="jane@example.com"))
    assert caught.value.retry_after == 1
    assert len(_hits(sandbox, "POST", "/v3/contacts")) == 4
