"""Request building, errors and retries, against a scripted fake server."""

from __future__ import annotations

import base64
import logging
import ssl

import pytest

from tajo.clock import FakeClock
from tajo.errors import (
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RecordError,
    ServerError,
    UnexpectedResponseError,
)
from tajo.gorgias import Customer, Resource
from tajo.gorgias.requester import make_ssl_context

from .conftest import FAKE_EMAIL, FAKE_KEY, Reply, ScriptedFactory


def envelope(items: list[dict[str, object]], next_cursor: str | None = None) -> dict:
    return {
        "data": items,
        "object": "list",
        "uri": "/api/customers",
        "meta": {"prev_cursor": None, "next_cursor": next_cursor},
    }


async def collect(pages) -> list:  # type: ignore[no-untyped-def]
    return [page async for page in pages]


async def test_request_sends_basic_auth(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(body={"domain": "yourstore"})])
    await client.get_account()
    token = base64.b64encode(f"{FAKE_EMAIL}:{FAKE_KEY}".encode()).decode()
    assert server.seen[0].headers["authorization"] == f"Basic {token}"
    assert server.seen[0].headers["accept"] == "application/json"
    assert server.seen[0].path == "/api/account"


def test_ssl_context_requires_tls12() -> None:
    context = make_ssl_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_REQUIRED


async def test_pages_repeat_sort_and_filters(scripted: ScriptedFactory) -> None:
    client, server = scripted(
        [
            Reply(body=envelope([{"id": 1}], "c1")),
            Reply(body=envelope([{"id": 2}], "c2")),
            Reply(body=envelope([{"id": 3}])),
        ]
    )
    pages = await collect(
        client.customer_pages(
            order_by="updated_datetime:desc", filters={"channel_type": "email"}
        )
    )
    assert [item.id for page in pages for item in page.items] == [1, 2, 3]
    assert [page.is_last for page in pages] == [False, False, True]
    for request in server.seen:
        assert ("order_by", "updated_datetime:desc") in request.query
        assert ("limit", "100") in request.query
        assert ("channel_type", "email") in request.query
    cursors = [dict(request.query).get("cursor") for request in server.seen]
    assert cursors == [None, "c1", "c2"]


async def test_pages_send_default_sort(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(body=envelope([]))])
    await collect(client.ticket_pages())
    assert ("order_by", "created_datetime:desc") in server.seen[0].query


async def test_repeated_cursor_raises(scripted: ScriptedFactory) -> None:
    client, server = scripted(
        [
            Reply(body=envelope([{"id": 1}], "same")),
            Reply(body=envelope([{"id": 2}], "same")),
        ]
    )
    with pytest.raises(UnexpectedResponseError, match="pagination loop"):
        await collect(client.customer_pages())
    assert len(server.seen) == 2


async def test_illegal_order_by_rejected_before_sending(
    scripted: ScriptedFactory,
) -> None:
    client, server = scripted([Reply(body=envelope([]))])
    with pytest.raises(ValueError, match="updated_datetime:desc") as caught:
        await collect(client.survey_pages(order_by="updated_datetime:desc"))
    assert "created_datetime:asc" in str(caught.value)
    assert server.seen == []


async def test_bare_usage_tag_sort_rejected(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(body=envelope([]))])
    with pytest.raises(ValueError, match="usage:asc,name:asc"):
        await collect(client.tag_pages(order_by="usage:desc"))
    assert server.seen == []


async def test_unknown_filter_rejected_before_sending(
    scripted: ScriptedFactory,
) -> None:
    client, server = scripted([Reply(body=envelope([]))])
    with pytest.raises(ValueError, match="updated_datetime"):
        await collect(
            client.ticket_pages(filters={"updated_datetime[gte]": "2026-01-01"})
        )
    assert server.seen == []


async def test_event_filters_use_repeated_keys(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(body=envelope([]))])
    await collect(client.event_pages(types=["ticket-created", "ticket-closed"]))
    query = server.seen[0].query
    assert ("types", "ticket-created") in query
    assert ("types", "ticket-closed") in query
    assert ("order_by", "created_datetime:asc") in query


async def test_unauthorized_names_settings(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(401, {"error": {"msg": "Unauthorized"}})])
    with pytest.raises(AuthenticationError) as caught:
        await client.get_account()
    message = str(caught.value)
    assert "Settings > REST API" in message
    assert "\n" not in message
    assert caught.value.status == 401
    assert len(server.seen) == 1


async def test_forbidden_names_role(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(403, {"error": {"msg": "Forbidden"}})])
    with pytest.raises(PermissionDeniedError, match="role"):
        await client.create_integration({"type": "http", "name": "hook"})
    assert len(server.seen) == 1


async def test_account_not_found_names_subdomain(scripted: ScriptedFactory) -> None:
    client, _ = scripted([Reply(404, {"error": {"msg": "Resource not found."}})])
    with pytest.raises(NotFoundError, match="subdomain") as caught:
        await client.get_account()
    assert "base_url=http://127.0.0.1:9/api/" in str(caught.value)


async def test_record_not_found_says_deleted(scripted: ScriptedFactory) -> None:
    client, _ = scripted([Reply(404, {"error": {"msg": "Resource not found."}})])
    with pytest.raises(NotFoundError, match="deleted") as caught:
        await client.get_customer(42)
    assert "id=42" in str(caught.value)


async def test_conflict_on_duplicate_email(scripted: ScriptedFactory) -> None:
    client, _ = scripted(
        [Reply(409, {"error": {"msg": "The resource already exists."}})]
    )
    with pytest.raises(ConflictError, match="already exists"):
        await client.create_customer({"email": "jane.doe@example.com"})


async def test_bad_request_shows_msg_and_data(scripted: ScriptedFactory) -> None:
    body = {
        "error": {
            "msg": "Failed to create customer",
            "data": {"email": ["Not a valid email address."]},
        }
    }
    client, _ = scripted([Reply(400, body)])
    with pytest.raises(InvalidRequestError) as caught:
        await client.create_customer({"email": "not-an-email"})
    message = str(caught.value)
    assert "Failed to create customer" in message
    assert "Not a valid email address." in message


async def test_bad_request_with_string_error(scripted: ScriptedFactory) -> None:
    client, _ = scripted([Reply(400, {"error": "Invalid cursor"})])
    with pytest.raises(InvalidRequestError, match="Invalid cursor"):
        await collect(client.customer_pages())


async def test_error_body_redacted_and_cut(scripted: ScriptedFactory) -> None:
    echoed = f"bad key {FAKE_KEY} " + "x" * 500
    client, _ = scripted([Reply(400, {"error": {"msg": echoed}})])
    with pytest.raises(InvalidRequestError) as caught:
        await client.get_customer(1)
    assert FAKE_KEY not in str(caught.value)
    assert FAKE_KEY not in caught.value.body
    assert len(caught.value.body) <= 201


async def test_rate_limit_without_retry_after(
    scripted: ScriptedFactory, clock: FakeClock
) -> None:
    client, server = scripted([Reply(429), Reply(body={"id": 7})])
    customer = await client.get_customer(7)
    assert customer.id == 7
    assert len(server.seen) == 2
    assert sum(clock.sleeps) >= 1.0


async def test_rate_limit_header_case_insensitive(
    scripted: ScriptedFactory, clock: FakeClock
) -> None:
    client, _ = scripted(
        [Reply(429, headers={"retry-after": "7"}), Reply(body={"id": 7})]
    )
    await client.get_customer(7)
    assert sum(clock.sleeps) >= 7.0


async def test_rate_limit_retries_are_bounded(scripted: ScriptedFactory) -> None:
    client, server = scripted(
        [Reply(429, headers={"Retry-after": "1"})], max_rate_limit_retries=3
    )
    with pytest.raises(RateLimitedError) as caught:
        await client.get_customer(7)
    assert len(server.seen) == 4
    assert caught.value.retry_after == 1.0


async def test_rate_limits_spare_failure_budget(scripted: ScriptedFactory) -> None:
    limited = Reply(429, headers={"Retry-after": "1"})
    failed = Reply(503, {"error": {"msg": "An external service had an issue."}})
    client, server = scripted(
        [
            failed,
            limited,
            failed,
            limited,
            failed,
            limited,
            failed,
            Reply(body={"id": 7}),
        ]
    )
    customer = await client.get_customer(7)
    assert customer.id == 7
    assert len(server.seen) == 8


async def test_server_errors_exhaust_retries(
    scripted: ScriptedFactory, clock: FakeClock
) -> None:
    client, server = scripted([Reply(502)])
    with pytest.raises(ServerError, match="attempts=5"):
        await client.get_ticket(1)
    assert len(server.seen) == 5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


async def test_post_not_retried_on_server_error(scripted: ScriptedFactory) -> None:
    client, server = scripted([Reply(500), Reply(201, {"id": 9})])
    with pytest.raises(ServerError):
        await client.create_customer({"email": "jane.doe@example.com"})
    assert len(server.seen) == 1


async def test_usage_header_slows_requests(
    scripted: ScriptedFactory, clock: FakeClock
) -> None:
    full = {"X-Gorgias-Account-Api-Call-Limit": "40/40"}
    client, _ = scripted([Reply(body={"id": 1}, headers=full)])
    await client.get_customer(1)
    await client.get_customer(1)
    assert sum(clock.sleeps) >= 1.0


async def test_non_json_body_is_unexpected(scripted: ScriptedFactory) -> None:
    client, _ = scripted([Reply(body="<html>maintenance</html>")])
    with pytest.raises(UnexpectedResponseError, match="JSON"):
        await client.get_customer(1)


async def test_envelope_without_data_is_unexpected(scripted: ScriptedFactory) -> None:
    client, _ = scripted([Reply(body={"items": []})])
    with pytest.raises(UnexpectedResponseError, match='"data" list'):
        await collect(client.customer_pages())


async def test_redirect_not_followed(scripted: ScriptedFactory) -> None:
    moved = {"Location": "https://evil.example.com/api/account"}
    client, server = scripted([Reply(302, headers=moved)])
    with pytest.raises(UnexpectedResponseError, match="redirects are not followed"):
        await client.get_account()
    assert len(server.seen) == 1


async def test_unparsable_single_record_raises(scripted: ScriptedFactory) -> None:
    client, _ = scripted([Reply(body={"id": 5, "updated_datetime": "soon"})])
    with pytest.raises(RecordError, match="updated_datetime"):
        await client.get_customer(5)


async def test_api_call_log_line(
    scripted: ScriptedFactory, caplog: pytest.LogCaptureFixture
) -> None:
    usage = {"X-Gorgias-Account-Api-Call-Limit": "3/40"}
    client, _ = scripted([Reply(body=envelope([]), headers=usage)], log_api_calls=True)
    with caplog.at_level(logging.INFO, logger="tajo.gorgias"):
        await collect(client.customer_pages())
    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "tajo.gorgias.requester"
    ]
    assert len(lines) == 1
    assert lines[0].startswith("gorgias GET /api/customers?")
    assert "-> 200" in lines[0]
    assert "ms" in lines[0]
    assert "3/40" in lines[0]


async def test_api_call_log_masks_query_secrets(
    scripted: ScriptedFactory, caplog: pytest.LogCaptureFixture
) -> None:
    guarded = Resource(
        name="probe",
        path="customers",
        model=Customer,
        filters=frozenset({"token"}),
        paginated=False,
    )
    client, server = scripted([Reply(body={"data": []})], log_api_calls=True)
    with caplog.at_level(logging.INFO, logger="tajo.gorgias"):
        await collect(client.pages(guarded, filters={"token": "hunter2-query"}))
    assert ("token", "hunter2-query") in server.seen[0].query
    assert "hunter2-query" not in caplog.text
    assert "token=[redacted]" in caplog.text


async def test_api_call_log_quiet_by_default(
    scripted: ScriptedFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = scripted([Reply(body={"id": 1})])
    with caplog.at_level(logging.INFO, logger="tajo.gorgias"):
        await client.get_customer(1)
    assert caplog.records == []
