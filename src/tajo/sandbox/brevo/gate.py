"""ASGI middleware in front of every `/v3` route.

In order: route on the raw path, log the request, return 503 while the
service is down, apply an injected fault, check the `api-key` header (401),
count the request against its family's rate limit (429), run the route, and
add the `x-sib-ratelimit-*` and `sib-request-id` headers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tajo.sandbox.brevo.apierror import (
    KEY_MISSING,
    KEY_NOT_FOUND,
    UNAUTHORIZED,
    ApiError,
)
from tajo.sandbox.brevo.data import RequestRecord
from tajo.sandbox.brevo.faults import RATE_LIMIT, SERVER_ERROR, SLOW, Fault
from tajo.sandbox.brevo.httpkit import error_response, json_response
from tajo.sandbox.brevo.ratelimit import RateDecision, family_of
from tajo.sandbox.brevo.sandbox import BrevoSandbox

logger = logging.getLogger(__name__)

_LOGGED_BODY_MAX_BYTES = 1_000_000
# Brevo does not document its 429 body, so clients must not parse it.
_TOO_MANY = {"code": "too_many_requests", "message": "Too many requests"}


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised to an in-process client when a `drop` fault hits its request.

    It subclasses the error httpx raises when a real server closes the
    connection without a response, so client code treats both alike.
    """


class BrevoGate:
    """Auth, rate limits, faults and the request log for the Brevo sandbox."""

    def __init__(self, app: ASGIApp, sandbox: BrevoSandbox) -> None:
        self.app = app
        self.sandbox = sandbox
        self._request_count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = _route_on_raw_path(scope)
        path: str = scope["path"]
        if path != "/v3" and not path.startswith("/v3/"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        record = self._record(scope, body)
        status = await self._handle(scope, receive, send, body)
        with self.sandbox.lock:
            record.status = status

    def _record(self, scope: Scope, body: bytes) -> RequestRecord:
        query_text = scope.get("query_string", b"").decode("latin-1")
        query = dict(parse_qsl(query_text, keep_blank_values=True))
        record = RequestRecord(
            method=scope["method"],
            path=scope["path"],
            query=query,
            body=_loggable(body),
            at=self.sandbox.clock(),
        )
        with self.sandbox.lock:
            self.sandbox.data.requests.append(record)
            self.sandbox.settle()
        return record

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, body: bytes
    ) -> int | None:
        """Respond to one `/v3` request; return the status sent, None if dropped."""
        path: str = scope["path"]
        family = family_of(path)
        if self.sandbox.down:
            logger.info("sandbox is down: returned 503; path=%s", path)
            return await _reply(scope, send, _unavailable(503), {})
        fault = self.sandbox.take_fault(path)
        if fault is not None and not fault.after_processing:
            if fault.kind == SLOW:
                await self._slow_down(fault, path)
            else:
                return await self._apply_fault(scope, receive, send, fault, family)
        headers = Headers(scope=scope)
        api_key = headers.get("api-key")
        if not api_key:
            logger.info("sandbox rejected request: no api-key header; path=%s", path)
            return await _reply(scope, send, _unauthorized(KEY_MISSING), {})
        if api_key != self.sandbox.api_key:
            logger.info("sandbox rejected request: unknown api-key; path=%s", path)
            return await _reply(scope, send, _unauthorized(KEY_NOT_FOUND), {})
        decision = self.sandbox.acquire(family)
        extra = self._extra_headers(decision)
        if not decision.allowed:
            logger.info("sandbox rate limit hit: family=%s path=%s", family, path)
            return await _reply(scope, send, json_response(_TOO_MANY, 429), extra)
        messages = await _run(self.app, scope, body)
        if fault is not None and fault.after_processing:
            if fault.kind == SLOW:
                await self._slow_down(fault, path)
            else:
                return await self._apply_fault(scope, receive, send, fault, family)
        return await _send_captured(send, messages, extra)

    async def _slow_down(self, fault: Fault, path: str) -> None:
        logger.info("sandbox fault: kind=slow delay=%.3f path=%s", fault.delay, path)
        await asyncio.sleep(fault.delay)

    async def _apply_fault(
        self, scope: Scope, receive: Receive, send: Send, fault: Fault, family: str
    ) -> int | None:
        """Respond with a failing fault; return the status sent, None if dropped."""
        logger.info("sandbox fault: kind=%s path=%s", fault.kind, scope["path"])
        if fault.kind == SERVER_ERROR:
            return await _reply(scope, send, _unavailable(fault.status), {})
        if fault.kind == RATE_LIMIT:
            extra = self._extra_headers(self.sandbox.exhausted(family))
            return await _reply(scope, send, json_response(_TOO_MANY, 429), extra)
        await _drop_connection(receive)
        return None

    def _extra_headers(self, decision: RateDecision) -> dict[str, str]:
        self._request_count += 1
        headers = decision.headers()
        headers["sib-request-id"] = f"sandbox-{self._request_count}"
        return headers


def _route_on_raw_path(scope: Scope) -> Scope:
    """Route on the percent-encoded path, so `%2F` never splits a segment."""
    raw = scope.get("raw_path")
    if not raw:
        return scope
    routed = dict(scope)
    routed["path"] = raw.split(b"?", 1)[0].decode("latin-1")
    return routed


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _loggable(body: bytes) -> Any:
    if not body:
        return None
    if len(body) > _LOGGED_BODY_MAX_BYTES:
        return f"<{len(body)} bytes, not logged>"
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


async def _run(app: ASGIApp, scope: Scope, body: bytes) -> list[Message]:
    """Run the routes on a replayed body and capture the response messages."""
    sent = False
    messages: list[Message] = []

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def capture(message: Message) -> None:
        messages.append(message)

    await app(scope, replay, capture)
    return messages


async def _send_captured(
    send: Send, messages: list[Message], extra: dict[str, str]
) -> int | None:
    status: int | None = None
    for message in messages:
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = list(message.get("headers", []))
            headers.extend(
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in extra.items()
            )
            message = {**message, "headers": headers}
        await send(message)
    return status


async def _reply(
    scope: Scope, send: Send, response: Response, extra: dict[str, str]
) -> int:
    for name, value in extra.items():
        response.headers[name] = value

    async def no_body() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    await response(scope, no_body, send)
    return int(response.status_code)


def _unauthorized(message: str) -> Response:
    return error_response(ApiError(401, UNAUTHORIZED, message))


def _unavailable(status: int) -> Response:
    return json_response(
        {
            "code": "server_error",
            "message": f"The Brevo sandbox returned HTTP {status} on purpose",
        },
        status,
    )


async def _drop_connection(receive: Receive) -> None:
    """Close the client's connection without sending a response.

    Under uvicorn, `receive` is bound to the request cycle, whose `transport`
    can be closed. Once uvicorn has registered the disconnect, it sends
    nothing more. Elsewhere (httpx.ASGITransport) the closest equivalent is
    raising the error httpx itself raises for such a connection.
    """
    # NOTE: this reads uvicorn internals (RequestResponseCycle.transport and
    # .disconnected, uvicorn 0.30 to 0.55). Other servers get the exception.
    cycle: Any = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not hasattr(cycle, "disconnected"):
        raise ConnectionDropped("Server disconnected without sending a response.")
    transport.close()
    # connection_lost runs on a later loop iteration, so wait for it.
    for _ in range(100):
        if cycle.disconnected:
            return
        await asyncio.sleep(0)
