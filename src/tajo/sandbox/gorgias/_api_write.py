"""Write endpoints of the simulated Gorgias REST API."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tajo.sandbox.gorgias import _customers, _integrations
from tajo.sandbox.gorgias._api_read import sandbox_of
from tajo.sandbox.gorgias._errors import InvalidRequest, NotFound, invalid_param
from tajo.sandbox.gorgias._query import Query, to_int


async def read_json(request: Request) -> Any:
    """Return the parsed JSON body.

    Raises:
        InvalidRequest: the body is not JSON.
    """
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise InvalidRequest(
            "Invalid JSON body.", {"_schema": ["The request body is not valid JSON."]}
        ) from None


async def create_customer(request: Request) -> JSONResponse:
    """POST /api/customers: 201 with the customer, 409 when the email is taken."""
    sandbox = sandbox_of(request)
    Query(request.url.query, ())
    body = await read_json(request)
    with sandbox.store.lock:
        customer = _customers.create_customer(sandbox.ctx, body)
        return JSONResponse(customer, status_code=201)


async def update_customer(request: Request) -> JSONResponse:
    """PUT /api/customers/{id}: partial update; `channels` replaces them all."""
    sandbox = sandbox_of(request)
    Query(request.url.query, ())
    body = await read_json(request)
    with sandbox.store.lock:
        customer = _customers.update_customer(
            sandbox.ctx, request.path_params["id"], body
        )
        return JSONResponse(customer)


async def delete_customer(request: Request) -> Response:
    """DELETE /api/customers/{id}: 204; the customer is a 404 afterwards."""
    sandbox = sandbox_of(request)
    Query(request.url.query, ())
    with sandbox.store.lock:
        _customers.delete_customer(sandbox.ctx, request.path_params["id"])
    return Response(status_code=204)


async def merge_customers(request: Request) -> JSONResponse:
    """PUT /api/customers/merge?source_id=&target_id= (ids in the query string)."""
    sandbox = sandbox_of(request)
    q = Query(request.url.query, {"source_id", "target_id"})
    ids = {}
    for name in ("source_id", "target_id"):
        raw = q.one(name)
        if raw is None:
            raise invalid_param(name, "Missing data for required field.")
        ids[name] = to_int(name, raw)
    await read_json(request)
    with sandbox.store.lock:
        target = _customers.merge_customers(
            sandbox.ctx, ids["source_id"], ids["target_id"]
        )
        return JSONResponse(target)


async def create_integration(request: Request) -> JSONResponse:
    """POST /api/integrations: register an HTTP integration (201)."""
    sandbox = sandbox_of(request)
    Query(request.url.query, ())
    body = await read_json(request)
    with sandbox.store.lock:
        integration = _integrations.create_integration(sandbox.ctx, body)
        return JSONResponse(integration, status_code=201)


async def update_integration(request: Request) -> JSONResponse:
    """PUT /api/integrations/{id}."""
    sandbox = sandbox_of(request)
    Query(request.url.query, ())
    body = await read_json(request)
    integration_id = request.path_params["id"]
    with sandbox.store.lock:
        integration = _integrations.update_integration(
            sandbox.ctx, integration_id, body
        )
        if isinstance(body, dict) and "deactivated_datetime" in body:
            sandbox.reactivate_integration(integration_id)
        return JSONResponse(integration)


async def delete_integration(request: Request) -> Response:
    """DELETE /api/integrations/{id}: 204."""
    sandbox = sandbox_of(request)
    Query(request.url.query, ())
    integration_id = request.path_params["id"]
    with sandbox.store.lock:
        if sandbox.store.remove("integrations", integration_id) is None:
            raise NotFound(f"integration_id={integration_id}")
    return Response(status_code=204)
