"""Admin routes under `/_sandbox/`: drive the account over HTTP.

They mirror the Python methods of `GorgiasSandbox`, so a sandbox served in
another process (the CLI, the demo) can be seeded, changed, faulted and
inspected. Every route needs the `x-sandbox-admin` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tajo.sandbox.gorgias._api_read import sandbox_of
from tajo.sandbox.gorgias._api_write import read_json
from tajo.sandbox.gorgias._errors import InvalidRequest, invalid_param
from tajo.sandbox.gorgias._time import parse_query_datetime, utc_now

_SEED_GROUPS = (
    "customers",
    "tickets",
    "surveys",
    "messages",
    "events",
    "users",
    "tags",
    "custom_fields",
    "macros",
    "rules",
    "integrations",
)


async def _object_body(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise InvalidRequest("Invalid body.", {"_schema": ["Expected a JSON object."]})
    return body


def _typed(
    body: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any
) -> Any:
    value = body.get(name, default)
    if value is not default and not isinstance(value, kind):
        raise invalid_param(name, f"Expected {kind}; got {type(value).__name__}.")
    return value


async def requests_log(request: Request) -> JSONResponse:
    """GET /_sandbox/requests: the request log."""
    records = list(sandbox_of(request).requests)
    return JSONResponse({"data": [r.as_dict() for r in records]})


async def deliveries(request: Request) -> JSONResponse:
    """GET /_sandbox/deliveries: HTTP integration deliveries so far."""
    return JSONResponse({"data": [d.as_dict() for d in sandbox_of(request).deliveries]})


async def wait_deliveries(request: Request) -> JSONResponse:
    """POST /_sandbox/deliveries/wait {"timeout": s}: wait for the queue to drain."""
    body = await _object_body(request)
    timeout = float(_typed(body, "timeout", (int, float), 5.0))
    sandbox = sandbox_of(request)
    idle = await anyio.to_thread.run_sync(sandbox.wait_for_deliveries, timeout)
    return JSONResponse({"idle": idle})


async def add_fault(request: Request) -> JSONResponse:
    """POST /_sandbox/faults: the keywords of `GorgiasSandbox.inject_fault`."""
    body = await _object_body(request)
    try:
        sandbox_of(request).inject_fault(
            _typed(body, "kind", str, ""),
            count=_typed(body, "count", int, 1),
            path_prefix=_typed(body, "path_prefix", str, "/api"),
            retry_after=_typed(body, "retry_after", int, 5),
            status=_typed(body, "status", int, 503),
            delay_seconds=float(_typed(body, "delay_seconds", (int, float), 0.0)),
            method=_typed(body, "method", (str, type(None)), None),
        )
    except ValueError as exc:
        raise InvalidRequest("Invalid fault.", {"kind": [str(exc)]}) from None
    return JSONResponse({"pending": len(sandbox_of(request).faults.pending())}, 201)


async def seed(request: Request) -> Response:
    """POST /_sandbox/seed: raw objects, inserted as given."""
    body = await _object_body(request)
    groups = {name: _typed(body, name, list, []) for name in _SEED_GROUPS}
    values = _typed(body, "customer_custom_field_values", dict, {})
    unknown = set(body) - set(_SEED_GROUPS) - {"customer_custom_field_values"}
    if unknown:
        raise invalid_param(sorted(unknown)[0], "Unknown seed group.")
    try:
        sandbox_of(request).seed_objects(
            **groups,
            customer_custom_field_values={int(k): v for k, v in values.items()},
        )
    except ValueError as exc:
        raise InvalidRequest("Invalid seed.", {"_schema": [str(exc)]}) from None
    return Response(status_code=204)


async def reset(request: Request) -> JSONResponse:
    """POST /_sandbox/reset: clear the account, then generate one if `seed` is given."""
    from tajo.sandbox.gorgias.generator import generate_account

    body = await _object_body(request)
    sandbox = sandbox_of(request)
    seed_value = _typed(body, "seed", (int, type(None)), None)
    sizes = {
        name: _typed(body, name, int, default)
        for name, default in (
            ("customers", 50),
            ("tickets", 100),
            ("surveys", 20),
            ("users", 8),
            ("tags", 25),
        )
    }
    raw_now = _typed(body, "now", (str, type(None)), None)
    now: datetime | None = parse_query_datetime(raw_now) if raw_now else utc_now()
    if now is None:
        raise invalid_param("now", "Expected an ISO 8601 datetime.")
    sandbox.reset()
    if seed_value is not None:
        data = generate_account(seed_value, now=now, owner_email=sandbox.email, **sizes)
        sandbox.load(data)
    counts = {name: len(objs) for name, objs in sandbox.store.collections.items()}
    return JSONResponse({"counts": counts})


def _id(request: Request) -> int:
    value: int = request.path_params["id"]
    return value


async def create_customer(request: Request) -> JSONResponse:
    """POST /_sandbox/customers."""
    body = await _object_body(request)
    return JSONResponse(sandbox_of(request).create_customer(**body), 201)


async def update_customer(request: Request) -> JSONResponse:
    """PUT /_sandbox/customers/{id}."""
    body = await _object_body(request)
    return JSONResponse(sandbox_of(request).update_customer(_id(request), **body))


async def merge_customers(request: Request) -> JSONResponse:
    """POST /_sandbox/customers/merge {"source_id", "target_id"}."""
    body = await _object_body(request)
    source_id = _typed(body, "source_id", int, None)
    target_id = _typed(body, "target_id", int, None)
    if source_id is None or target_id is None:
        raise invalid_param("source_id", "source_id and target_id are required.")
    return JSONResponse(sandbox_of(request).merge_customers(source_id, target_id))


async def delete_customer(request: Request) -> Response:
    """DELETE /_sandbox/customers/{id}."""
    sandbox_of(request).delete_customer(_id(request))
    return Response(status_code=204)


async def create_ticket(request: Request) -> JSONResponse:
    """POST /_sandbox/tickets {"customer_id", "subject", "channel", "tags", "body"}."""
    body = await _object_body(request)
    subject = _typed(body, "subject", str, None)
    if subject is None:
        raise invalid_param("subject", "Missing data for required field.")
    ticket = sandbox_of(request).create_ticket(
        _typed(body, "customer_id", (int, type(None)), None),
        subject=subject,
        channel=_typed(body, "channel", str, "email"),
        tags=_typed(body, "tags", list, []),
        body=_typed(body, "body", (str, type(None)), None),
    )
    return JSONResponse(ticket, 201)


async def close_ticket(request: Request) -> JSONResponse:
    """POST /_sandbox/tickets/{id}/close."""
    return JSONResponse(sandbox_of(request).close_ticket(_id(request)))


async def reopen_ticket(request: Request) -> JSONResponse:
    """POST /_sandbox/tickets/{id}/reopen."""
    return JSONResponse(sandbox_of(request).reopen_ticket(_id(request)))


async def tag_ticket(request: Request) -> JSONResponse:
    """POST /_sandbox/tickets/{id}/tags {"name"}."""
    body = await _object_body(request)
    name = _typed(body, "name", str, None)
    if not name:
        raise invalid_param("name", "Missing data for required field.")
    return JSONResponse(sandbox_of(request).tag_ticket(_id(request), name))


async def untag_ticket(request: Request) -> JSONResponse:
    """DELETE /_sandbox/tickets/{id}/tags/{name}."""
    name: str = request.path_params["name"]
    return JSONResponse(sandbox_of(request).untag_ticket(_id(request), name))


async def add_message(request: Request) -> JSONResponse:
    """POST /_sandbox/tickets/{id}/messages {"from_agent", "body", "public"}."""
    body = await _object_body(request)
    text = _typed(body, "body", str, None)
    if text is None:
        raise invalid_param("body", "Missing data for required field.")
    message = sandbox_of(request).add_message(
        _id(request),
        from_agent=_typed(body, "from_agent", bool, False),
        body=text,
        public=_typed(body, "public", bool, True),
    )
    return JSONResponse(message, 201)


async def delete_ticket(request: Request) -> Response:
    """DELETE /_sandbox/tickets/{id}."""
    sandbox_of(request).delete_ticket(_id(request))
    return Response(status_code=204)


async def send_survey(request: Request) -> JSONResponse:
    """POST /_sandbox/tickets/{id}/survey {"sent": true}."""
    body = await _object_body(request)
    survey = sandbox_of(request).send_survey(
        _id(request), sent=_typed(body, "sent", bool, True)
    )
    return JSONResponse(survey, 201)


async def answer_survey(request: Request) -> JSONResponse:
    """POST /_sandbox/surveys/{id}/answer {"score", "body_text"}.

    The id is a survey id or the id of the survey's ticket.
    """
    body = await _object_body(request)
    score = _typed(body, "score", int, None)
    if score is None:
        raise invalid_param("score", "Missing data for required field.")
    survey = sandbox_of(request).answer_survey(
        _id(request),
        score,
        body_text=_typed(body, "body_text", (str, type(None)), None),
    )
    return JSONResponse(survey)
