from __future__ import annotations

from typing import Any

import pytest

from tajo.brevo import BrevoClient
from tajo.errors import AuthenticationError, NotFoundError


def _emails(count: int) -> list[str]:
    return [f"customer{i:03d}@example.com" for i in range(count)]


def _list_calls(sent_requests: list[Any], action: str) -> list[Any]:
    return [r for r in sent_requests if r.raw_path.endswith(f"/contacts/{action}")]


async def test_add_160_contacts_two_calls(
    brevo: BrevoClient, sandbox: Any, sent_requests: list[Any]
) -> None:
    emails = _emails(160)
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[
            {"email": email, "listIds": [7] if index in (10, 155) else []}
            for index, email in enumerate(emails)
        ],
    )
    result = await brevo.add_to_list(7, emails)
    calls = _list_calls(sent_requests, "add")
    members = [c for c in sandbox.state()["contacts"] if 7 in c["listIds"]]
    assert [len(call.json()["emails"]) for call in calls] == [150, 10]
    assert result.calls == 2
    assert result.ok
    assert len(result.changed) == 158
    assert set(result.unchanged) == {emails[10], emails[155]}
    assert len(members) == 160


async def test_add_chunk_all_members_is_success(
    brevo: BrevoClient, sandbox: Any, sent_requests: list[Any]
) -> None:
    emails = _emails(3)
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[{"email": email, "listIds": [7]} for email in emails],
    )
    result = await brevo.add_to_list(7, emails)
    assert [sent.status for sent in sent_requests] == [400]
    assert result.ok
    assert result.unchanged == tuple(emails)
    assert result.changed == ()


async def test_add_unknown_contacts_unchanged(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[{"email": "known@example.com"}],
    )
    result = await brevo.add_to_list(7, ["known@example.com", "ghost@example.com"])
    assert result.changed == ("known@example.com",)
    assert result.unchanged == ("ghost@example.com",)


async def test_add_by_ext_ids_and_ids(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[
            {"id": 501, "email": "a@example.com"},
            {"email": "b@example.com", "ext_id": "gorgias/2"},
        ],
    )
    by_id = await brevo.add_to_list(7, [501], kind="ids")
    by_ext_id = await brevo.add_to_list(7, ["gorgias/2"], kind="extIds")
    assert by_id.changed == (501,)
    assert by_ext_id.changed == ("gorgias/2",)


async def test_add_unknown_list_raises(brevo: BrevoClient) -> None:
    with pytest.raises(NotFoundError):
        await brevo.add_to_list(999, ["a@example.com"])


async def test_add_server_error_recorded_per_chunk(
    brevo: BrevoClient, sandbox: Any, sent_requests: list[Any]
) -> None:
    emails = _emails(4)
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[{"email": email} for email in emails],
    )
    sandbox.inject_fault("server_error", count=1, path_prefix="/v3/contacts/lists")
    result = await brevo.add_to_list(7, emails, chunk_size=2)
    assert len(_list_calls(sent_requests, "add")) == 2
    assert set(result.failed) == set(emails[:2])
    assert "status=503" in result.failed[emails[0]]
    assert result.changed == tuple(emails[2:])
    assert not result.ok


async def test_add_wrong_key_raises(make_client: Any, sandbox_url: Any) -> None:
    import httpx

    client = await make_client(
        httpx.AsyncHTTPTransport(), base_url=sandbox_url[1], api_key="xkeysib-nope"
    )
    with pytest.raises(AuthenticationError):
        await client.add_to_list(7, _emails(200))


async def test_remove_from_list(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[
            {"email": "in@example.com", "listIds": [7]},
            {"email": "out@example.com"},
        ],
    )
    result = await brevo.remove_from_list(7, ["in@example.com", "out@example.com"])
    assert result.changed == ("in@example.com",)
    assert result.unchanged == ("out@example.com",)
    assert sandbox.find_contact(email="in@example.com")["listIds"] == []


async def test_remove_nobody_is_unchanged(brevo: BrevoClient, sandbox: Any) -> None:
    sandbox.seed(
        lists=[{"id": 7, "name": "Support customers"}],
        contacts=[{"email": "out@example.com"}],
    )
    result = await brevo.remove_from_list(7, ["out@example.com"])
    assert result.ok
    assert result.unchanged == ("out@example.com",)


async def test_chunk_size_above_150_rejected(brevo: BrevoClient) -> None:
    with pytest.raises(ValueError, match="chunk_size=151"):
        await brevo.add_to_list(7, ["a@example.com"], chunk_size=151)


async def test_get_lists_reads_every_page(
    brevo: BrevoClient, sandbox: Any, sent_requests: list[Any]
) -> None:
    sandbox.seed(lists=[{"id": i, "name": f"List {i}"} for i in range(1, 121)])
    lists = await brevo.get_lists()
    pages = [r for r in sent_requests if r.raw_path == "/v3/contacts/lists"]
    assert sorted(item.id for item in lists) == list(range(1, 121))
    assert [dict(page.query)["offset"] for page in pages] == ["0", "50", "100"]
    assert all(dict(page.query)["limit"] == "50" for page in pages)


async def test_create_list_and_folder(brevo: BrevoClient, sandbox: Any) -> None:
    folder_id = await brevo.create_folder("Gorgias")
    list_id = await brevo.create_list("Support customers", folder_id=folder_id)
    folders = await brevo.get_folders()
    lists = await brevo.get_lists()
    assert any(f.id == folder_id and f.name == "Gorgias" for f in folders)
    assert [(item.id, item.folder_id) for item in lists] == [(list_id, folder_id)]


async def test_create_list_unknown_folder(brevo: BrevoClient) -> None:
    with pytest.raises(NotFoundError, match="Folder ID does not exist"):
        await brevo.create_list("Orphans", folder_id=404)


async def test_create_attribute_then_exists(brevo: BrevoClient, sandbox: Any) -> None:
    created = await brevo.create_attribute("TICKET_COUNT", "float")
    again = await brevo.create_attribute("TICKET_COUNT", "float")
    catalogue = await brevo.get_attributes()
    spec = catalogue.get("TICKET_COUNT")
    assert created is True
    assert again is False
    assert spec is not None
    assert spec.type == "float"


async def test_create_category_attribute(brevo: BrevoClient) -> None:
    await brevo.create_attribute(
        "SUPPORT_TIER", "category", enumeration={"Standard": 1, "Priority": 2}
    )
    spec = (await brevo.get_attributes()).get("SUPPORT_TIER")
    assert spec is not None
    assert spec.kind == "category"
    assert spec.enumeration == {"Standard": 1, "Priority": 2}
