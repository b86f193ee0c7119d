"""Routes for imports, processes, events, transactional email and the account."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from tajo.sandbox.brevo.apierror import (
    PROCESS_NOT_FOUND,
    ApiError,
    invalid,
    missing,
    not_found,
)
from tajo.sandbox.brevo.contact_writes import parse_email
from tajo.sandbox.brevo.contacts import format_instant
from tajo.sandbox.brevo.events import check_event, record_event
from tajo.sandbox.brevo.httpkit import (
    json_response,
    no_content,
    read_object,
    sandbox_of,
)
from tajo.sandbox.brevo.imports import MAX_IMPORT_BYTES, parse_import
from tajo.sandbox.brevo.processes import IMPORT_PROCESS, report_csv

REPORTS_PATH = "/_sandbox/reports"
_REPORT_FILE = re.compile(r"[a-z_]+\.csv")
BATCH_ACCEPTED = "Batch accepted. Valid events have been added to the processing queue."


async def import_contacts(request: Request) -> Response:
    """`POST /v3/contacts/import`: 202 `{"processId"}`; rows apply later."""
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        raise invalid(
            f"Import body is {len(raw)} bytes; at most 10 MB is allowed, "
            "use fileUrl for larger files"
        )
    body = await read_object(request)
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        job = parse_import(
            body, known_lists=set(data.lists), known_folders=set(data.folders)
        )
        if job.new_list is not None:
            new_id = sandbox.create_list(
                job.new_list["listName"], folder_id=job.new_list["folderId"]
            )
            job.list_ids.append(new_id)
        process_id = sandbox.start_process(
            IMPORT_PROCESS, job, notify_url=job.notify_url
        )
    return json_response({"processId": process_id}, 202)


async def get_process(request: Request) -> Response:
    """`GET /v3/processes/{id}`: each read moves the process forward."""
    raw_id = str(request.path_params["process_id"])
    sandbox = sandbox_of(request)
    base = str(request.base_url).rstrip("/") + REPORTS_PATH
    with sandbox.lock:
        process = sandbox.data.processes.get(int(raw_id)) if raw_id.isdigit() else None
        if process is None:
            raise not_found(PROCESS_NOT_FOUND)
        if not process.completed:
            process.polls += 1
            sandbox.settle()
        return json_response(process.to_api(base))


async def get_report(request: Request) -> Response:
    """Serve an import report CSV, like Brevo's pre-signed report URLs."""
    raw_id = str(request.path_params["process_id"])
    file_name = str(request.path_params["file_name"])
    sandbox = sandbox_of(request)
    with sandbox.lock:
        process = sandbox.data.processes.get(int(raw_id)) if raw_id.isdigit() else None
        kind = file_name.removesuffix(".csv")
        if (
            process is None
            or not _REPORT_FILE.fullmatch(file_name)
            or not process.reports.get(kind)
        ):
            return PlainTextResponse("report not found", status_code=404)
        return PlainTextResponse(
            report_csv(process.reports[kind]), media_type="text/csv"
        )


async def create_event(request: Request) -> Response:
    """`POST /v3/events`: 204, or 400 for an invalid event."""
    body = await read_object(request)
    problem = check_event(body)
    if problem is not None:
        raise problem
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        event = record_event(body, data.contacts, data.catalogue, now=sandbox.now())
        data.events.append(event)
    return no_content()


async def create_events_batch(request: Request) -> Response:
    """`POST /v3/events/batch`: 202 when all are valid, 207 partial, else 400.

    Errors with the same message are grouped in one `eventIndex` list.
    """
    body = await read_object(request)
    items = body.get("events")
    if items is None:
        raise missing("events is required")
    if not isinstance(items, list) or not items:
        raise invalid("events should be a non-empty array")
    problems = [check_event(item) for item in items]
    failed: dict[str, list[int]] = {}
    for index, problem in enumerate(problems):
        if problem is not None:
            failed.setdefault(problem.message, []).append(index)
    errors = [
        {"eventIndex": indexes, "message": msg} for msg, indexes in failed.items()
    ]
    valid = [item for item, problem in zip(items, problems, strict=True) if not problem]
    if not valid:
        summary = "; ".join(f"events {e['eventIndex']}: {e['message']}" for e in errors)
        raise invalid(f"No valid event in the batch: {summary}")
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        now = sandbox.now()
        for item in valid:
            data.events.append(
                record_event(item, data.contacts, data.catalogue, now=now)
            )
    if not errors:
        return json_response({"message": BATCH_ACCEPTED, "count": len(valid)}, 202)
    return json_response(
        {
            "status": "partial_success",
            "total_events": len(items),
            "successful_events": len(valid),
            "failed_events": len(items) - len(valid),
            "errors": errors,
        },
        207,
    )


async def send_email(request: Request) -> Response:
    """`POST /v3/smtp/email`: 201 `{"messageId"}`; the email is only recorded.

    A `templateId` (positive integer) or `subject`, `sender` and
    `htmlContent`/`textContent` are required, and `to` must list objects with
    a valid `email`. Template ids are not checked against any catalogue.
    """
    body = await read_object(request)
    recipients = _recipients(body.get("to"))
    template_id = body.get("templateId")
    if template_id is not None:
        if isinstance(template_id, bool) or not isinstance(template_id, int):
            raise invalid("templateId should be an integer")
        if template_id < 1:
            raise invalid("templateId should be positive")
    elif not (
        body.get("subject")
        and body.get("sender")
        and (body.get("htmlContent") or body.get("textContent"))
    ):
        raise missing("templateId, or subject, sender and htmlContent, is required")
    params = body.get("params")
    if params is not None and not isinstance(params, dict):
        raise invalid("params should be an object")
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        now = sandbox.now()
        message_id = (
            f"<{now:%Y%m%d%H%M%S}.{data.next_message_id:012d}"
            "@smtp-relay.sandbox.example.com>"
        )
        data.next_message_id += 1
        data.emails.append(
            {
                "messageId": message_id,
                "templateId": template_id,
                "to": recipients,
                "params": params,
                "subject": body.get("subject"),
                "tags": body.get("tags"),
                "sentAt": format_instant(now),
            }
        )
    return json_response({"messageId": message_id}, 201)


def _recipients(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        raise missing("to is required")
    if not isinstance(raw, list) or not raw:
        raise invalid("to should be a non-empty array of {email, name}")
    recipients: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise invalid("to should be a non-empty array of {email, name}")
        try:
            email = parse_email(item.get("email"))
        except ApiError:
            raise invalid(
                f"Invalid email address in to: {item.get('email')!r}"
            ) from None
        name = item.get("name")
        if name is not None and (not isinstance(name, str) or len(name) > 70):
            raise invalid("to[].name should be a string of at most 70 characters")
        recipients.append({"email": email, "name": name})
    return recipients


async def get_account(request: Request) -> Response:
    """`GET /v3/account`: a fixed account on the free plan."""
    return json_response(
        {
            "email": "owner@example.com",
            "firstName": "Sandbox",
            "lastName": "Owner",
            "companyName": "Tajo Sandbox Shop",
            "address": {
                "street": "1 Example Street",
                "city": "Example City",
                "zipCode": "00000",
                "country": "France",
            },
            "plan": [{"type": "free", "credits": 300, "creditsType": "sendLimit"}],
            "relay": {
                "enabled": True,
                "data": {
                    "userName": "owner@example.com",
                    "relay": "smtp-relay.sandbox.example.com",
                    "port": 587,
                },
            },
            "marketingAutomation": {"key": "fake-ma-key-for-tests", "enabled": True},
        }
    )
