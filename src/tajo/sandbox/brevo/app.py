"""`create_app`: the Starlette app serving a `BrevoSandbox`."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from tajo.sandbox.brevo import admin
from tajo.sandbox.brevo import routes_contacts as contacts
from tajo.sandbox.brevo import routes_lists as lists
from tajo.sandbox.brevo import routes_other as other
from tajo.sandbox.brevo.apierror import (
    DOCUMENT_NOT_FOUND,
    METHOD_NOT_ALLOWED,
    ApiError,
)
from tajo.sandbox.brevo.gate import BrevoGate
from tajo.sandbox.brevo.httpkit import error_response, json_response
from tajo.sandbox.brevo.sandbox import BrevoSandbox

_LITERAL_SEGMENTS = frozenset(
    {"attributes", "folders", "lists", "import", "batch", "segments", "export"}
)


class _IdentifierRoute(Route):
    """`/v3/contacts/{identifier}`, which never matches a literal segment.

    Starlette tries routes in order, so literal paths are listed first. This
    class also covers the methods those routes lack, so that
    `PUT /v3/contacts/lists` gets 405 instead of updating a contact "lists".
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        identifier = child.get("path_params", {}).get("identifier")
        if match is not Match.NONE and identifier in _LITERAL_SEGMENTS:
            return Match.NONE, {}
        return match, child


_ROUTES = [
    Route("/v3/contacts", contacts.create_contact, methods=["POST"]),
    Route("/v3/contacts/attributes", contacts.list_attributes, methods=["GET"]),
    Route(
        "/v3/contacts/attributes/{category}/{name}",
        contacts.create_attribute,
        methods=["POST"],
    ),
    Route("/v3/contacts/folders", lists.list_folders, methods=["GET"]),
    Route("/v3/contacts/folders", lists.create_folder, methods=["POST"]),
    Route("/v3/contacts/lists", lists.list_lists, methods=["GET"]),
    Route("/v3/contacts/lists", lists.create_list, methods=["POST"]),
    Route("/v3/contacts/lists/{list_id:int}", lists.get_list, methods=["GET"]),
    Route(
        "/v3/contacts/lists/{list_id:int}/contacts/add",
        lists.add_to_list,
        methods=["POST"],
    ),
    Route(
        "/v3/contacts/lists/{list_id:int}/contacts/remove",
        lists.remove_from_list,
        methods=["POST"],
    ),
    Route("/v3/contacts/import", other.import_contacts, methods=["POST"]),
    *(
        Route(
            f"/v3/contacts/{literal}", contacts.not_simulated, methods=["GET", "POST"]
        )
        for literal in ("batch", "segments", "export")
    ),
    _IdentifierRoute(
        "/v3/contacts/{identifier}", contacts.get_contact, methods=["GET"]
    ),
    _IdentifierRoute(
        "/v3/contacts/{identifier}", contacts.update_contact, methods=["PUT"]
    ),
    _IdentifierRoute(
        "/v3/contacts/{identifier}", contacts.delete_contact, methods=["DELETE"]
    ),
    Route("/v3/processes/{process_id}", other.get_process, methods=["GET"]),
    Route("/v3/events", other.create_event, methods=["POST"]),
    Route("/v3/events/batch", other.create_events_batch, methods=["POST"]),
    Route("/v3/smtp/email", other.send_email, methods=["POST"]),
    Route("/v3/account", other.get_account, methods=["GET"]),
    Route("/_sandbox/state", admin.get_state, methods=["GET"]),
    Route("/_sandbox/reset", admin.reset, methods=["POST"]),
    Route("/_sandbox/faults", admin.faults, methods=["POST"]),
    Route(
        other.REPORTS_PATH + "/{process_id}/{file_name}",
        other.get_report,
        methods=["GET"],
    ),
]


async def _api_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ApiError):
        raise exc
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        raise exc
    if exc.status_code == 405:
        body = {
            "code": METHOD_NOT_ALLOWED,
            "message": f"{request.method} is not allowed on {request.url.path}",
        }
        return json_response(body, 405)
    body = {
        "code": DOCUMENT_NOT_FOUND,
        "message": f"No Brevo API route matches {request.url.path}",
    }
    return json_response(body, exc.status_code)


def create_app(sandbox: BrevoSandbox) -> Starlette:
    """Build the ASGI app that serves `sandbox` as Brevo API v3.

    Mount it with `httpx.ASGITransport` for in-process tests, or run it on
    loopback with `tajo.sandbox.server.serve`.
    """
    app = Starlette(
        routes=_ROUTES,
        middleware=[Middleware(BrevoGate, sandbox=sandbox)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.state.sandbox = sandbox
    return app
