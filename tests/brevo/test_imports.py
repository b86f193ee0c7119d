from __future__ import annotations

from typing import Any

import httpx
import pytest

from tajo.brevo import ImportContact
from tajo.clock import FakeClock
from tajo.errors import ServerError


def _contacts(count: int) -> list[ImportContact]:
    return [
        ImportContact(
            email=f"bulk{i:03d}@example.com",
            ext_id=f"gorgias-{i}",
            attributes={"FIRSTNAME": f"Customer {i}", "TICKET_COUNT": float(i)},
        )
        for i in range(count)
    ]


async def _import_client(
    make_client: Any, serve_sandbox: Any, **sandbox_options: Any
) -> tuple[Any, Any]:
    sandbox, url = serve_sandbox(import_seconds_to_complete=None, **sandbox_options)
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        attributes=[{"name": "TICKET_COUNT", "category": "normal", "type": "float"}],
    )
    client = await make_client(httpx.AsyncHTTPTransport(), base_url=url)
    return sandbox, client


async def test_import_chunks_under_body_limit(
    make_client: Any,
    serve_sandbox: Any,
    sent_requests: list[Any],
    clock: FakeClock,
) -> None:
    sandbox, client = await _import_client(make_client, serve_sandbox)
    results = await client.import_contacts(
        _contacts(60), list_ids=[7], max_body_bytes=2_000
    )
    posts = [r for r in sent_requests if r.raw_path == "/v3/contacts/import"]
    polls = [r for r in sent_requests if r.raw_path.startswith("/v3/processes/")]
    state = sandbox.state()
    assert len(posts) == len(results)
    assert len(posts) > 1
    assert all(len(post.body) <= 2_000 for post in posts)
    assert [result.body_bytes for result in results] == [len(p.body) for p in posts]
    assert sum(result.rows for result in results) == 60
    assert all(result.status == "completed" for result in results)
    assert all(result.polls == 2 for result in results)
    assert len(polls) == 2 * len(results)
    assert len(state["contacts"]) == 60
    assert all(7 in contact["listIds"] for contact in state["contacts"])
    assert clock.sleeps.count(36.0) == 2 * len(results)


async def test_import_one_request_under_default_limit(
    make_client: Any, serve_sandbox: Any, sent_requests: list[Any]
) -> None:
    sandbox, client = await _import_client(make_client, serve_sandbox)
    results = await client.import_contacts(_contacts(500), list_ids=[7])
    assert len(results) == 1
    assert results[0].rows == 500
    assert (
        sandbox.find_contact(ext_id="gorgias-499")["attributes"]["TICKET_COUNT"] == 499
    )


async def test_import_report_lists_rejected_rows(
    make_client: Any, serve_sandbox: Any
) -> None:
    _, client = await _import_client(make_client, serve_sandbox)
    rows = [
        ImportContact(email="one@example.com", ext_id="dup"),
        ImportContact(email="two@example.com", ext_id="dup"),
    ]
    results = await client.import_contacts(rows, list_ids=[7])
    assert isinstance(results[0].report.get("duplicate_ext_id"), str)


async def test_import_unfinished_after_max_polls(
    make_client: Any, serve_sandbox: Any
) -> None:
    sandbox, url = serve_sandbox(
        import_seconds_to_complete=None, import_polls_to_complete=10
    )
    sandbox.seed(lists=[{"id": 7, "name": "Support customers"}])
    client = await make_client(
        httpx.AsyncHTTPTransport(), base_url=url, max_import_polls=3
    )
    results = await client.import_contacts(_contacts(2), list_ids=[7])
    status, _ = await client.get_process(results[0].process_id)
    assert results[0].status == "in_process"
    assert results[0].polls == 3
    assert status == "in_process"


async def test_import_needs_a_list(make_client: Any, serve_sandbox: Any) -> None:
    _, client = await _import_client(make_client, serve_sandbox)
    with pytest.raises(ValueError, match="list_ids"):
        await client.import_contacts(_contacts(1), list_ids=[])


async def test_import_post_not_resent_on_503(
    make_client: Any, serve_sandbox: Any, sent_requests: list[Any]
) -> None:
    sandbox, client = await _import_client(make_client, serve_sandbox)
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/contacts/import")
    with pytest.raises(ServerError):
        await client.import_contacts(_contacts(3), list_ids=[7])
    assert len(sent_requests) == 1
