"""HTTP integrations: register them and turn a trigger into a delivery.

An HTTP integration (`type: "http"`) sends a request to `http.url` when one of
its `http.triggers` happens. The URL and the `form` values are templates;
`form` may also be the string `{{context}}`, which sends the whole ticket
context. With no form the request has an empty body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from tajo.sandbox.gorgias._context import MutationContext
from tajo.sandbox.gorgias._errors import InvalidRequest, NotFound
from tajo.sandbox.gorgias._store import Obj
from tajo.sandbox.gorgias._templates import (
    as_text,
    is_whole_context,
    render,
    render_form,
)

# Hyphenated trigger keys of the current API. The simulator fires the first
# three; the others are accepted so a configuration copied from Gorgias loads.
FIRED_TRIGGERS = ("ticket-created", "ticket-updated", "ticket-message-created")
KNOWN_TRIGGERS = frozenset(
    {
        *FIRED_TRIGGERS,
        "ticket-self-unsnoozed",
        "ticket-message-failed",
        "ticket-assignment-updated",
        "ticket-status-updated",
        "ticket-handed-over",
    }
)
CONTENT_TYPES = frozenset({"application/json", "application/x-www-form-urlencoded"})
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_TOP_FIELDS = frozenset({"type", "name", "description", "http", "deactivated_datetime"})
_HTTP_FIELDS = frozenset(
    {
        "url",
        "method",
        "headers",
        "form",
        "request_content_type",
        "response_content_type",
        "triggers",
        "hmac_secret",
    }
)


def _http_problems(http: object, *, creating: bool) -> dict[str, list[str]]:
    if not isinstance(http, dict):
        return {"http": ["Expected an object."]}
    problems: dict[str, list[str]] = {}
    for key in http:
        if key not in _HTTP_FIELDS:
            problems[f"http.{key}"] = ["Unknown field."]

    url = http.get("url")
    if (creating or "url" in http) and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        problems["http.url"] = ["Expected an http:// or https:// URL."]
    if "method" in http and http["method"] not in METHODS:
        problems["http.method"] = [f"Expected one of {sorted(METHODS)}."]

    headers = http.get("headers")
    if headers is not None and (
        not isinstance(headers, dict)
        or not all(isinstance(v, str) for v in headers.values())
    ):
        problems["http.headers"] = ["Expected an object of string values."]
    for key in ("request_content_type", "response_content_type"):
        if key in http and http[key] not in CONTENT_TYPES:
            problems[f"http.{key}"] = [f"Expected one of {sorted(CONTENT_TYPES)}."]

    form = http.get("form")
    if form is not None and not isinstance(form, dict | str):
        problems["http.form"] = ["Expected an object of templates or '{{context}}'."]

    triggers = http.get("triggers")
    if triggers is not None:
        if not isinstance(triggers, dict):
            problems["http.triggers"] = ["Expected an object of booleans."]
        else:
            unknown = sorted(k for k in triggers if k not in KNOWN_TRIGGERS)
            if unknown:
                problems["http.triggers"] = [
                    f"Unknown triggers {unknown}; use hyphenated names such as "
                    "ticket-created."
                ]
    return problems


def _validate(body: object, *, creating: bool) -> Obj:
    action = "create" if creating else "update"
    if not isinstance(body, dict):
        raise InvalidRequest(
            f"Failed to {action} integration", {"_schema": ["Expected a JSON object."]}
        )
    problems: dict[str, list[str]] = {}
    for key in body:
        if key not in _TOP_FIELDS:
            problems[str(key)] = ["Unknown field."]
    if creating and body.get("type") != "http":
        problems["type"] = ["Only type 'http' can be created through the API here."]
    if creating and not isinstance(body.get("name"), str):
        problems["name"] = ["Missing data for required field."]
    if creating or "http" in body:
        problems.update(_http_problems(body.get("http"), creating=creating))
    if problems:
        raise InvalidRequest(f"Failed to {action} integration", problems)
    return body


def create_integration(ctx: MutationContext, body: object) -> Obj:
    """Register an HTTP integration from a `POST /api/integrations` body.

    Raises:
        InvalidRequest: the body is not a valid HTTP integration.
    """
    fields = _validate(body, creating=True)
    http = fields["http"]
    now = ctx.stamp()
    integration_id = ctx.store.next_id("integrations")
    integration: Obj = {
        "id": integration_id,
        "type": "http",
        "name": fields["name"],
        "description": fields.get("description"),
        "http": {
            "id": integration_id,
            "url": http["url"],
            "method": http.get("method", "POST"),
            "headers": dict(http.get("headers") or {}),
            "form": http.get("form"),
            "request_content_type": http.get(
                "request_content_type", "application/json"
            ),
            "response_content_type": http.get(
                "response_content_type", "application/json"
            ),
            "triggers": {
                name: bool(http.get("triggers", {}).get(name, False))
                for name in sorted(KNOWN_TRIGGERS)
            },
        },
        "created_datetime": now,
        "updated_datetime": now,
        "deactivated_datetime": None,
        "user": {"id": ctx.owner_id()},
        "uri": f"/api/integrations/{integration_id}/",
        "application_id": None,
        "managed": False,
    }
    ctx.store.put("integrations", integration)
    return integration


def update_integration(ctx: MutationContext, integration_id: int, body: object) -> Obj:
    """Apply a `PUT /api/integrations/{id}` body; `http` keys merge one by one.

    Sending `"deactivated_datetime": null` reactivates an integration that
    was deactivated after failures.

    Raises:
        NotFound: unknown or deleted integration.
        InvalidRequest: the body is invalid.
    """
    integration = ctx.store.get("integrations", integration_id)
    if integration is None:
        raise NotFound(f"integration_id={integration_id}")
    fields = _validate(body, creating=False)
    for key in ("name", "description"):
        if key in fields:
            integration[key] = fields[key]
    if isinstance(fields.get("http"), dict):
        http = integration.setdefault("http", {})
        for key, value in fields["http"].items():
            if key == "triggers":
                http["triggers"] = {**http.get("triggers", {}), **value}
            elif key != "hmac_secret":
                http[key] = value
    if "deactivated_datetime" in fields and fields["deactivated_datetime"] is None:
        integration["deactivated_datetime"] = None
    integration["updated_datetime"] = ctx.stamp()
    ctx.store.touch("integrations")
    return integration


def build_request(
    integration: Mapping[str, Any], template_context: Mapping[str, Any], whole: Any
) -> tuple[str, str, dict[str, str], bytes]:
    """Render (method, url, headers, body) for one trigger of an integration."""
    http = integration.get("http") or {}
    url = render(str(http.get("url", "")), template_context)
    method = str(http.get("method", "POST")).upper()
    headers = {str(k): as_text(v) for k, v in (http.get("headers") or {}).items()}
    content_type = http.get("request_content_type") or "application/json"
    form = http.get("form")
    if form is None or form == {} or form == "":
        return method, url, headers, b""
    payload = whole if is_whole_context(form) else render_form(form, template_context)
    if content_type == "application/x-www-form-urlencoded" and isinstance(
        payload, dict
    ):
        pairs = [
            (k, v if isinstance(v, str) else as_text(v)) for k, v in payload.items()
        ]
        body = urlencode(pairs).encode()
    else:
        body = json.dumps(payload).encode()
    headers.setdefault("Content-Type", content_type)
    return method, url, headers, body
