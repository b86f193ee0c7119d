"""`create_app`: the Starlette app serving a `GorgiasSandbox` over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from tajo.sandbox.gorgias import _admin, _api_read, _api_write
from tajo.sandbox.gorgias._errors import (
    METHOD_NOT_ALLOWED_MSG,
    NOT_FOUND_MSG,
    SandboxError,
    error_body,
)
from tajo.sandbox.gorgias._gate import SandboxGate
from tajo.sandbox.gorgias.sandbox import GorgiasSandbox

Endpoint = Callable[[Request], Any]


def _api(path: str, endpoint: Endpoint, methods: list[str]) -> list[BaseRoute]:
    """Serve a path both without and with a trailing slash, as Gorgias does."""
    return [
        Route(path, endpoint, methods=methods),
        Route(path + "/", endpoint, methods=methods),
    ]


def _api_routes() -> list[BaseRoute]:
    read, write = _api_read, _api_write
    table: list[tuple[str, Endpoint, list[str]]] = [
        ("/api/account", read.get_account, ["GET"]),
        ("/api/customers", read.list_customers, ["GET"]),
        ("/api/customers", write.create_customer, ["POST"]),
        ("/api/customers/merge", write.merge_customers, ["PUT"]),
        ("/api/customers/{id:int}", read.get_customer, ["GET"]),
        ("/api/customers/{id:int}", write.update_customer, ["PUT"]),
        ("/api/customers/{id:int}", write.delete_customer, ["DELETE"]),
        (
            "/api/customers/{id:int}/custom-fields",
            read.get_customer_custom_fields,
            ["GET"],
        ),
        ("/api/custom-fields", read.list_custom_fields, ["GET"]),
        ("/api/tickets", read.list_tickets, ["GET"]),
        ("/api/tickets/{id:int}", read.get_ticket, ["GET"]),
        ("/api/messages", read.list_messages, ["GET"]),
        ("/api/satisfaction-surveys", read.list_surveys, ["GET"]),
        ("/api/satisfaction-surveys/{id:int}", read.get_survey, ["GET"]),
        ("/api/tags", read.list_tags, ["GET"]),
        ("/api/tags/{id:int}", read.get_tag, ["GET"]),
        ("/api/users", read.list_users, ["GET"]),
        ("/api/users/{id:int}", read.get_user, ["GET"]),
        ("/api/integrations", read.list_integrations, ["GET"]),
        ("/api/integrations", write.create_integration, ["POST"]),
        ("/api/integrations/{id:int}", read.get_integration, ["GET"]),
        ("/api/integrations/{id:int}", write.update_integration, ["PUT"]),
        ("/api/integrations/{id:int}", write.delete_integration, ["DELETE"]),
        ("/api/events", read.list_events, ["GET"]),
        ("/api/events/{id:int}", read.get_event, ["GET"]),
        ("/api/macros", read.list_macros, ["GET"]),
        ("/api/macros/{id:int}", read.get_macro, ["GET"]),
        ("/api/rules", read.list_rules, ["GET"]),
        ("/api/rules/{id:int}", read.get_rule, ["GET"]),
    ]
    routes: list[BaseRoute] = []
    for path, endpoint, methods in table:
        routes += _api(path, endpoint, methods)
    return routes


def _admin_routes() -> list[BaseRoute]:
    admin = _admin
    table: list[tuple[str, Endpoint, list[str]]] = [
        ("/_sandbox/requests", admin.requests_log, ["GET"]),
        ("/_sandbox/deliveries", admin.deliveries, ["GET"]),
        ("/_sandbox/deliveries/wait", admin.wait_deliveries, ["POST"]),
        ("/_sandbox/faults", admin.add_fault, ["POST"]),
        ("/_sandbox/seed", admin.seed, ["POST"]),
        ("/_sandbox/reset", admin.reset, ["POST"]),
        ("/_sandbox/customers", admin.create_customer, ["POST"]),
        ("/_sandbox/customers/merge", admin.merge_customers, ["POST"]),
        ("/_sandbox/customers/{id:int}", admin.update_customer, ["PUT"]),
        ("/_sandbox/customers/{id:int}", admin.delete_customer, ["DELETE"]),
        ("/_sandbox/tickets", admin.create_ticket, ["POST"]),
        ("/_sandbox/tickets/{id:int}", admin.delete_ticket, ["DELETE"]),
        ("/_sandbox/tickets/{id:int}/close", admin.close_ticket, ["POST"]),
        ("/_sandbox/tickets/{id:int}/reopen", admin.reopen_ticket, ["POST"]),
        ("/_sandbox/tickets/{id:int}/tags", admin.tag_ticket, ["POST"]),
        ("/_sandbox/tickets/{id:int}/tags/{name}", admin.untag_ticket, ["DELETE"]),
        ("/_sandbox/tickets/{id:int}/messages", admin.add_message, ["POST"]),
        ("/_sandbox/tickets/{id:int}/survey", admin.send_survey, ["POST"]),
        ("/_sandbox/surveys/{id:int}/answer", admin.answer_survey, ["POST"]),
    ]
    return [Route(path, endpoint, methods=methods) for path, endpoint, methods in table]


async def _sandbox_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SandboxError)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return JSONResponse(error_body(METHOD_NOT_ALLOWED_MSG), status_code=405)
    if exc.status_code == 404:
        return JSONResponse(error_body(NOT_FOUND_MSG), status_code=404)
    return JSONResponse(error_body(str(exc.detail)), status_code=exc.status_code)


def create_app(sandbox: GorgiasSandbox) -> Starlette:
    """Build the ASGI app serving `sandbox`: the `/api` routes and `/_sandbox` admin."""
    app = Starlette(
        routes=_api_routes() + _admin_routes(),
        middleware=[Middleware(SandboxGate, sandbox=sandbox)],
        exception_handlers={SandboxError: _sandbox_error, HTTPException: _http_error},
    )
    app.state.sandbox = sandbox
    return app
