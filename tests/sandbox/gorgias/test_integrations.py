"""HTTP integrations fire on ticket changes and POST to a loopback receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tajo.clock import FakeClock
from tajo.sandbox.gorgias import GorgiasSandbox
from tajo.sandbox.server import serve

from .conftest import EMAIL, make_sandbox, payload
from .shapes import shape_mismatches


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver that returns scripted statuses, then 200 once they run out."""

    base_url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            self.received.append(
                Received(
                    request.method,
                    request.url.path,
                    parse_qs(request.url.query),
                    dict(request.headers),
                    await request.body(),
                )
            )
            status = self.statuses.pop(0) if self.statuses else 200
            return Response(status_code=status)

        methods = ["GET", "POST", "PUT"]
        return Starlette(routes=[Route("/{path:path}", hook, methods=methods)])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    with serve(receiver.app()) as server:
        receiver.base_url = server.base_url
        yield receiver


@pytest.fixture
def account(clock: FakeClock) -> Iterator[GorgiasSandbox]:
    with make_sandbox(clock, delivery_retry_delay=0.0) as sandbox:
        sandbox.seed_objects(users=[{**payload("user.json"), "email": EMAIL}])
        yield sandbox


def register(sandbox: GorgiasSandbox, url: str, **http: Any) -> dict[str, Any]:
    example = payload("integration_http.json")
    config = {**example["http"], "url": url, **http}
    config.pop("id")
    return sandbox.create_integration({"type": "http", "name": "Hook", "http": config})


def test_templated_form_values_are_strings(
    account: GorgiasSandbox, receiver: Receiver
) -> None:
    register(account, f"{receiver.base_url}/hook?token=s3cret")
    customer = account.create_customer(email="jane@example.com", name="Jane")
    ticket = account.create_ticket(customer["id"], subject="Webhook me")
    assert account.wait_for_deliveries(5.0)
    (hit,) = receiver.received
    body = hit.json()
    assert hit.method == "POST"
    assert hit.query == {"token": ["s3cret"]}
    assert hit.headers["x-connector-secret"] == "REPLACE_WITH_SHARED_SECRET"
    assert hit.headers["content-type"] == "application/json"
    assert body == {
        "event_type": "ticket-created",
        "ticket_id": str(ticket["id"]),
        "customer_id": str(customer["id"]),
        "customer_email": "jane@example.com",
        "ticket_status": "open",
        "ticket_updated_datetime": ticket["updated_datetime"],
    }


def test_triggers_per_change(account: GorgiasSandbox, receiver: Receiver) -> None:
    register(account, f"{receiver.base_url}/hook")
    ticket = account.create_ticket(None, subject="Lifecycle")
    account.add_message(ticket["id"], from_agent=True, body="Reply")
    account.close_ticket(ticket["id"])
    account.tag_ticket(ticket["id"], "vip")
    assert account.wait_for_deliveries(5.0)
    kinds = [hit.json()["event_type"] for hit in receiver.received]
    assert kinds == [
        "ticket-created",
        "ticket-message-created",
        "ticket-updated",
        "ticket-updated",
    ]


def test_disabled_trigger_not_sent(account: GorgiasSandbox, receiver: Receiver) -> None:
    triggers = {"ticket-created": False, "ticket-updated": True}
    register(account, f"{receiver.base_url}/hook", triggers=triggers)
    ticket = account.create_ticket(None, subject="Quiet start")
    account.close_ticket(ticket["id"])
    assert account.wait_for_deliveries(5.0)
    assert [hit.json()["event_type"] for hit in receiver.received] == ["ticket-updated"]


def test_message_template_variables(
    account: GorgiasSandbox, receiver: Receiver
) -> None:
    form = {
        "message_id": "{{message.id}}",
        "from_agent": "{{message.from_agent}}",
        "text": "{{message.body_text}}",
        "last": "{{ticket.messages[-1].body_text}}",
        "missing": "{{ticket.nothing.here}}",
    }
    register(account, f"{receiver.base_url}/hook", form=form)
    ticket = account.create_ticket(None, subject="Vars")
    message = account.add_message(ticket["id"], from_agent=True, body="Hello there")
    assert account.wait_for_deliveries(5.0)
    body = receiver.received[-1].json()
    assert body == {
        "message_id": str(message["id"]),
        "from_agent": "true",
        "text": "Hello there",
        "last": "Hello there",
        "missing": "",
    }


def test_whole_context_form(account: GorgiasSandbox, receiver: Receiver) -> None:
    register(account, f"{receiver.base_url}/hook", form="{{context}}")
    customer = account.create_customer(email="jane@example.com")
    ticket = account.create_ticket(customer["id"], subject="Context", tags=["vip"])
    assert account.wait_for_deliveries(5.0)
    body = receiver.received[0].json()
    example = payload("ticket_http_integration_context.json")
    assert shape_mismatches(body, example) == []
    assert body["customer_id"] == customer["id"]
    assert body["id"] == ticket["id"]


def test_full_ticket_context_option(clock: FakeClock, receiver: Receiver) -> None:
    with make_sandbox(clock, context_body="full_ticket") as sandbox:
        register(sandbox, f"{receiver.base_url}/hook", form="{{context}}")
        ticket = sandbox.create_ticket(None, subject="Full")
        assert sandbox.wait_for_deliveries(5.0)
    body = receiver.received[0].json()
    assert body["id"] == ticket["id"]
    assert body["account"] == {"domain": "example-store"}
    assert body["first_message"]["id"] == body["messages"][0]["id"]


def test_form_urlencoded(account: GorgiasSandbox, receiver: Receiver) -> None:
    register(
        account,
        f"{receiver.base_url}/hook",
        request_content_type="application/x-www-form-urlencoded",
    )
    ticket = account.create_ticket(None, subject="Form")
    assert account.wait_for_deliveries(5.0)
    hit = receiver.received[0]
    assert hit.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(hit.body.decode())["ticket_id"] == [str(ticket["id"])]


def test_no_form_sends_empty_body(account: GorgiasSandbox, receiver: Receiver) -> None:
    register(account, f"{receiver.base_url}/hook", form=None)
    account.create_ticket(None, subject="Empty")
    assert account.wait_for_deliveries(5.0)
    hit = receiver.received[0]
    assert hit.body == b""
    assert hit.headers["content-length"] == "0"


def test_url_is_a_template(account: GorgiasSandbox, receiver: Receiver) -> None:
    register(
        account, receiver.base_url + "/t/{{ticket.id}}?email={{ticket.customer.email}}"
    )
    customer = account.create_customer(email="jane@example.com")
    ticket = account.create_ticket(customer["id"], subject="URL")
    assert account.wait_for_deliveries(5.0)
    hit = receiver.received[0]
    assert hit.path == f"/t/{ticket['id']}"
    assert hit.query == {"email": ["jane@example.com"]}


def test_failed_delivery_retried(account: GorgiasSandbox, receiver: Receiver) -> None:
    receiver.statuses = [500, 502]
    register(account, f"{receiver.base_url}/hook")
    account.create_ticket(None, subject="Flaky")
    assert account.wait_for_deliveries(5.0)
    (delivery,) = account.deliveries
    assert delivery.state == "delivered"
    assert delivery.attempts == 3
    assert len(receiver.received) == 3


def test_integration_deactivated_after_failures(
    clock: FakeClock, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 10
    with make_sandbox(
        clock, integration_failure_limit=4, delivery_retry_delay=0.0
    ) as sandbox:
        integration = register(sandbox, f"{receiver.base_url}/hook")
        first = sandbox.create_ticket(None, subject="One")
        sandbox.close_ticket(first["id"])
        assert sandbox.wait_for_deliveries(5.0)
        sandbox.create_ticket(None, subject="After")
        assert sandbox.wait_for_deliveries(5.0)
        events = [e["type"] for e in sandbox.store["events"].values()]
    assert integration["deactivated_datetime"] is not None
    assert len(receiver.received) == 4
    assert [d.state for d in sandbox.deliveries] == ["failed", "failed"]
    assert "integration-deactivated" in events


def test_success_resets_failure_count(clock: FakeClock, receiver: Receiver) -> None:
    receiver.statuses = [500, 500, 200, 500, 500]
    with make_sandbox(
        clock, integration_failure_limit=3, delivery_retry_delay=0.0
    ) as sandbox:
        integration = register(sandbox, f"{receiver.base_url}/hook")
        sandbox.create_ticket(None, subject="One")
        sandbox.create_ticket(None, subject="Two")
        assert sandbox.wait_for_deliveries(5.0)
    assert integration["deactivated_datetime"] is None


def test_non_loopback_url_not_contacted(account: GorgiasSandbox) -> None:
    register(account, "https://connector.example.com/hook")
    account.create_ticket(None, subject="Remote")
    assert account.wait_for_deliveries(5.0)
    (delivery,) = account.deliveries
    assert delivery.state == "failed"
    assert delivery.attempts == 0
    assert "loopback" in (delivery.error or "")
