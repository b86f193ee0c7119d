"""Routes for folders, lists and list membership."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tajo.sandbox.brevo.apierror import (
    FOLDER_NOT_FOUND,
    LIST_NOT_FOUND,
    invalid,
    missing,
    not_found,
)
from tajo.sandbox.brevo.httpkit import (
    json_response,
    query_params,
    read_object,
    sandbox_of,
)
from tajo.sandbox.brevo.lists import (
    ContactList,
    Folder,
    change_membership,
    folder_summary,
    list_details,
    list_summary,
    parse_page,
    parse_selector,
)
from tajo.sandbox.brevo.processes import REMOVE_ALL_PROCESS, RemoveAllJob


def _page(items: list[Any], query: dict[str, str]) -> list[Any]:
    limit, offset, descending = parse_page(query)
    ordered = sorted(items, key=lambda item: item.id, reverse=descending)
    return ordered[offset : offset + limit]


def _name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if name is None:
        raise missing("name is required")
    if not isinstance(name, str) or not name.strip():
        raise invalid("name should be a non-empty string")
    return name


async def list_folders(request: Request) -> Response:
    """`GET /v3/contacts/folders` with `limit`, `offset`, `sort`."""
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        folders: list[Folder] = list(data.folders.values())
        page = _page(folders, query_params(request))
        lists = list(data.lists.values())
        body = [folder_summary(data.contacts, folder, lists) for folder in page]
        return json_response({"folders": body, "count": len(folders)})


async def create_folder(request: Request) -> Response:
    """`POST /v3/contacts/folders` `{"name"}`: 201 `{"id"}`."""
    name = _name(await read_object(request))
    sandbox = sandbox_of(request)
    return json_response({"id": sandbox.create_folder(name)}, 201)


async def list_lists(request: Request) -> Response:
    """`GET /v3/contacts/lists` with `limit`, `offset`, `sort`."""
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        lists: list[ContactList] = list(data.lists.values())
        page = _page(lists, query_params(request))
        body = [list_summary(data.contacts, item) for item in page]
        return json_response({"lists": body, "count": len(lists)})


async def create_list(request: Request) -> Response:
    """`POST /v3/contacts/lists` `{"name", "folderId"}`: 201 `{"id"}`."""
    body = await read_object(request)
    name = _name(body)
    folder_id = body.get("folderId")
    if folder_id is None:
        raise missing("folderId is required")
    if isinstance(folder_id, bool) or not isinstance(folder_id, int):
        raise invalid("folderId should be an integer")
    sandbox = sandbox_of(request)
    with sandbox.lock:
        if folder_id not in sandbox.data.folders:
            raise not_found(FOLDER_NOT_FOUND)
        return json_response(
            {"id": sandbox.create_list(name, folder_id=folder_id)}, 201
        )


async def get_list(request: Request) -> Response:
    """`GET /v3/contacts/lists/{id}`."""
    list_id = int(request.path_params["list_id"])
    sandbox = sandbox_of(request)
    with sandbox.lock:
        data = sandbox.data
        return json_response(list_details(data.contacts, data.lists.get(list_id)))


async def add_to_list(request: Request) -> Response:
    """`POST /v3/contacts/lists/{id}/contacts/add`: 201 success/failure."""
    return await _membership(request, add=True)


async def remove_from_list(request: Request) -> Response:
    """`POST /v3/contacts/lists/{id}/contacts/remove`: 201, or a process for all."""
    return await _membership(request, add=False)


async def _membership(request: Request, *, add: bool) -> Response:
    list_id = int(request.path_params["list_id"])
    sandbox = sandbox_of(request)
    with sandbox.lock:
        if list_id not in sandbox.data.lists:
            raise not_found(LIST_NOT_FOUND)
    body = await read_object(request)
    selector, items = parse_selector(body, allow_all=not add)
    with sandbox.lock:
        if selector == "all":
            total = sum(
                1 for c in sandbox.data.contacts.by_id.values() if list_id in c.list_ids
            )
            process_id = sandbox.start_process(
                REMOVE_ALL_PROCESS, RemoveAllJob(list_id), notify_url=None
            )
            return json_response(
                {"contacts": {"total": total, "processId": process_id}}, 201
            )
        result = change_membership(
            sandbox.data.contacts,
            list_id,
            selector,
            items,
            add=add,
            now=sandbox.now(),
        )
    return json_response(result, 201)
