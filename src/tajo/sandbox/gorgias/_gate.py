"""The ASGI layer in front of the routes: faults, auth, rate limit, request log.

Order per request: an injected fault responds first, because it simulates
the network or the platform. Then come HTTP Basic auth and the leaky bucket.
Every `/api` response carries `X-Gorgias-Account-Api-Call-Limit`. Admin
routes under `/_sandbox` need the `x-sandbox-admin` header and skip all of
the above.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tajo.sandbox.gorgias._errors import (
    NOT_FOUND_MSG,
    SERVER_ERROR_MSG,
    TOO_MANY_REQUESTS_MSG,
    UNAUTHORIZED_MSG,
    error_body,
)
from tajo.sandbox.gorgias._faults import Fault
from tajo.sandbox.gorgias._records import RequestRecord

if TYPE_CHECKING:
    from tajo.sandbox.gorgias.sandbox import GorgiasSandbox

USAGE_HEADER = "X-Gorgias-Account-Api-Call-Limit"
# Gorgias spells it this way; HTTP header names are case-insensitive.
RETRY_AFTER_HEADER = "Retry-after"
ADMIN_HEADER = "x-sandbox-admin"


async def send_json(
    send: Send, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    """Send a complete JSON response."""
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send(
        {"type": "http.response.start", "status": status, "headers": raw_headers}
    )
    await send({"type": "http.response.body", "body": payload})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


class SandboxGate:
    """ASGI middleware applying faults, auth and the rate limit."""

    def __init__(self, app: ASGIApp, sandbox: GorgiasSandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            await self._admin(scope, receive, send)
            return
        method: str = scope["method"]
        query = parse_qs(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
        )
        sandbox = self.sandbox
        arrived = sandbox.clock()
        fault = sandbox.faults.take(method, path)
        fault_kind = fault.kind if fault is not None else None
        extra: dict[str, str] = {}
        logged = False

        def log(status: int | None) -> None:
            nonlocal logged
            if not logged:
                logged = True
                record = RequestRecord(arrived, method, path, query, status, fault_kind)
                sandbox.log_request(record)

        async def send_logged(message: Message) -> None:
            # Log before the first byte leaves, so a client that has its
            # response always finds the request in the log.
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in extra.items()]
                message = {**message, "headers": headers}
                log(message["status"])
            await send(message)

        try:
            if fault is not None and fault.kind == "drop":
                log(None)
                await _drop_connection(receive)
                return
            if fault is not None and fault.kind != "slow":
                await self._answer_fault(send_logged, fault)
                return
            if fault is not None:
                await asyncio.sleep(fault.delay_seconds)
            if path == "/api" or path.startswith("/api/"):
                if not self._authorized(scope):
                    extra[USAGE_HEADER] = sandbox.bucket.peek().header
                    await send_json(send_logged, 401, error_body(UNAUTHORIZED_MSG))
                    return
                decision = sandbox.bucket.acquire()
                extra[USAGE_HEADER] = decision.header
                if not decision.allowed:
                    extra[RETRY_AFTER_HEADER] = str(decision.retry_after)
                    body = error_body(TOO_MANY_REQUESTS_MSG)
                    await send_json(send_logged, 429, body)
                    return
            await self.app(scope, receive, send_logged)
        finally:
            log(None)

    def _authorized(self, scope: Scope) -> bool:
        header = _header(scope, b"authorization")
        if header is None or header[:6].lower() != "basic ":
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        email, sep, key = decoded.partition(":")
        if not sep:
            return False
        email_ok = email.strip().lower() == self.sandbox.email.strip().lower()
        key_ok = hmac.compare_digest(key.encode(), self.sandbox.api_key.encode())
        return email_ok and key_ok

    async def _answer_fault(self, send: Send, fault: Fault) -> None:
        bucket = self.sandbox.bucket
        if fault.kind == "rate_limit":
            limit = bucket.peek().limit
            headers = {
                USAGE_HEADER: f"{limit}/{limit}",
                RETRY_AFTER_HEADER: str(fault.retry_after),
            }
            await send_json(send, 429, error_body(TOO_MANY_REQUESTS_MSG), headers)
            return
        headers = {USAGE_HEADER: bucket.peek().header}
        if fault.kind == "not_found":
            await send_json(send, 404, error_body(NOT_FOUND_MSG), headers)
            return
        await send_json(send, fault.status, error_body(SERVER_ERROR_MSG), headers)

    async def _admin(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = _header(scope, ADMIN_HEADER.encode()) or ""
        if not hmac.compare_digest(given.encode(), self.sandbox.admin_token.encode()):
            await send_json(
                send,
                401,
                error_body(
                    f"Admin routes need the {ADMIN_HEADER} header with the admin token."
                ),
            )
            return
        await self.app(scope, receive, send)


async def _drop_connection(receive: Receive) -> None:
    """Close the connection without sending any response.

    Under uvicorn the request's `receive` is bound to the protocol cycle
    that owns the socket transport; aborting it resets the connection. An
    in-process transport has no socket, so the app raises the error an HTTP
    client would raise for a server that hung up.
    """
    owner = getattr(receive, "__self__", None)
    transport = getattr(owner, "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        # Let uvicorn notice the lost connection before the app returns, so
        # it does not send a 500 in its place.
        for _ in range(3):
            await asyncio.sleep(0)
        return
    raise httpx.RemoteProtocolError("sandbox fault: server closed the connection")
