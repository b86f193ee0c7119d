"""`/_sandbox` routes: inspect, reset and break the simulated Brevo over HTTP.

They need the header `x-sandbox-admin: <admin token>`, never count against
rate limits, and are never hit by faults or by the `down` switch.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from tajo.sandbox.brevo.apierror import ApiError, invalid
from tajo.sandbox.brevo.httpkit import (
    json_response,
    no_content,
    read_object,
    sandbox_of,
)

ADMIN_HEADER = "x-sandbox-admin"


def _check_admin(request: Request) -> None:
    token = request.headers.get(ADMIN_HEADER, "")
    expected = sandbox_of(request).admin_token
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(
            403,
            "permission_denied",
            f"Missing or wrong {ADMIN_HEADER} header; send the sandbox admin token",
        )


async def get_state(request: Request) -> Response:
    """`GET /_sandbox/state`: the full state dump."""
    _check_admin(request)
    return json_response(sandbox_of(request).state())


async def reset(request: Request) -> Response:
    """`POST /_sandbox/reset`: back to a fresh account."""
    _check_admin(request)
    sandbox_of(request).reset()
    return no_content()


async def faults(request: Request) -> Response:
    """`POST /_sandbox/faults`: inject a fault, clear them, or switch `down`.

    Body: `{"kind", "count"?, "path_prefix"?, "status"?, "delay"?,
    "after_processing"?}`, or `{"down": true|false}`, or `{"clear": true}`.
    """
    _check_admin(request)
    body = await read_object(request)
    sandbox = sandbox_of(request)
    if "down" in body:
        if not isinstance(body["down"], bool):
            raise invalid("down should be a boolean")
        sandbox.set_down(body["down"])
        return no_content()
    if body.get("clear") is True:
        sandbox.clear_faults()
        return no_content()
    try:
        sandbox.inject_fault(
            str(body.get("kind")),
            count=int(body.get("count", 1)),
            path_prefix=str(body.get("path_prefix", "/v3")),
            status=int(body.get("status", 503)),
            delay=float(body.get("delay", 1.0)),
            after_processing=bool(body.get("after_processing", False)),
        )
    except (TypeError, ValueError) as error:
        raise invalid(str(error)) from None
    return no_content(201)
