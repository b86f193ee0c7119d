"""Small HTTP helpers shared by the route modules."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tajo.sandbox.brevo.apierror import BAD_REQUEST, INVALID_JSON, ApiError

if TYPE_CHECKING:
    from tajo.sandbox.brevo.sandbox import BrevoSandbox


class BrevoJSONResponse(JSONResponse):
    """JSON with the content type Brevo sends."""

    media_type = "application/json; charset=utf-8"


def sandbox_of(request: Request) -> BrevoSandbox:
    """Return the sandbox that `create_app` attached to the app."""
    return cast("BrevoSandbox", request.app.state.sandbox)


def json_response(body: Any, status: int = 200) -> Response:
    """Return a JSON response."""
    return BrevoJSONResponse(body, status_code=status)


def no_content(status: int = 204) -> Response:
    """Return an empty response (Brevo's 201/204 without body)."""
    return Response(status_code=status)


def error_response(error: ApiError) -> Response:
    """Return Brevo's error body for an `ApiError`."""
    return json_response(error.body(), error.status)


def path_param(request: Request, name: str) -> str:
    """Return a path parameter decoded exactly once.

    The app routes on the raw path, so `%2F` inside an identifier stays part
    of one segment until this point.
    """
    return unquote(str(request.path_params[name]))


def query_params(request: Request) -> dict[str, str]:
    """Return the query parameters, the last value winning."""
    return dict(request.query_params.items())


async def read_object(request: Request, *, allow_empty: bool = False) -> dict[str, Any]:
    """Parse the body as a JSON object.

    Raises:
        ApiError: 400 `bad_request` when the body is not a JSON object.
    """
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {}
        raise ApiError(400, BAD_REQUEST, INVALID_JSON)
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, BAD_REQUEST, INVALID_JSON) from None
    if not isinstance(parsed, dict):
        raise ApiError(400, BAD_REQUEST, INVALID_JSON)
    return parsed
