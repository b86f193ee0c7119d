"""Folders, lists and list membership.

Membership lives on the contacts (`Contact.list_ids`); a list's subscriber
count is computed from them. Rules enforced on
`POST /v3/contacts/lists/{id}/contacts/add|remove`: exactly one of `emails`,
`ids` or `extIds` with 1 to 150 items, each reported in `success` or
`failure` (already in or out of the list, or unknown). When nothing succeeds
the call fails with 400, and an unknown list gives 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tajo.sandbox.brevo.apierror import (
    LIST_ADD_NOTHING_DONE,
    LIST_NOT_FOUND,
    LIST_REMOVE_NOTHING_DONE,
    OUT_OF_RANGE,
    ApiError,
    invalid,
    not_found,
)
from tajo.sandbox.brevo.contacts import Contact, ContactStore, format_instant

MAX_MEMBERSHIP_ITEMS = 150
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10
_SELECTORS = ("emails", "ids", "extIds")


@dataclass(slots=True)
class Folder:
    """A contact folder."""

    id: int
    name: str


@dataclass(slots=True)
class ContactList:
    """A contact list inside a folder."""

    id: int
    name: str
    folder_id: int
    created_at: datetime


def members(store: ContactStore, list_id: int) -> list[Contact]:
    """Return the contacts in a list, by id."""
    return sorted(
        (c for c in store.by_id.values() if list_id in c.list_ids),
        key=lambda contact: contact.id,
    )


def list_summary(store: ContactStore, item: ContactList) -> dict[str, Any]:
    """Return a list as `GET /v3/contacts/lists` shows it.

    `totalSubscribers` and `totalBlacklisted` are 0, as Brevo now returns.
    """
    return {
        "id": item.id,
        "name": item.name,
        "totalBlacklisted": 0,
        "totalSubscribers": 0,
        "uniqueSubscribers": len(members(store, item.id)),
        "folderId": item.folder_id,
    }


def list_details(contacts: ContactStore, item: ContactList | None) -> dict[str, Any]:
    """Return a list as `GET /v3/contacts/lists/{id}` shows it.

    Raises:
        ApiError: 404 for an unknown list.
    """
    if item is None:
        raise not_found(LIST_NOT_FOUND)
    body = list_summary(contacts, item)
    body["createdAt"] = format_instant(item.created_at)
    body["campaignStats"] = []
    body["dynamicList"] = False
    return body


def folder_summary(
    store: ContactStore, folder: Folder, lists: list[ContactList]
) -> dict[str, Any]:
    """Return a folder as `GET /v3/contacts/folders` shows it."""
    list_ids = {item.id for item in lists if item.folder_id == folder.id}
    unique = sum(1 for c in store.by_id.values() if c.list_ids & list_ids)
    return {
        "id": folder.id,
        "name": folder.name,
        "totalBlacklisted": 0,
        "totalSubscribers": 0,
        "uniqueSubscribers": unique,
    }


def parse_page(query: dict[str, str]) -> tuple[int, int, bool]:
    """Read `limit` (0-50, default 10), `offset` and `sort` (asc or desc).

    Returns `(limit, offset, descending)`. `sort=desc` (the default) lists the
    newest first.

    Raises:
        ApiError: 400 for a value out of range or not a number.
    """
    limit = _int_param(query, "limit", DEFAULT_PAGE_SIZE)
    offset = _int_param(query, "offset", 0)
    if not 0 <= limit <= MAX_PAGE_SIZE:
        raise ApiError(
            400, OUT_OF_RANGE, f"limit must be between 0 and {MAX_PAGE_SIZE}"
        )
    if offset < 0:
        raise ApiError(400, OUT_OF_RANGE, "offset must be 0 or more")
    sort = query.get("sort", "desc")
    if sort not in ("asc", "desc"):
        raise invalid(f"Invalid sort: {sort!r}; expected asc or desc")
    return limit, offset, sort == "desc"


def _int_param(query: dict[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise invalid(f"Invalid {name}: {raw!r}; expected an integer") from None


def parse_selector(body: dict[str, Any], *, allow_all: bool) -> tuple[str, list[Any]]:
    """Return which selector a membership body uses and its items.

    Returns `("all", [])` for `{"all": true}` when `allow_all`.

    Raises:
        ApiError: 400 unless exactly one selector with 1 to 150 items of the
            right type is given.
    """
    present = [key for key in _SELECTORS if key in body]
    if allow_all and "all" in body:
        if present or body["all"] is not True:
            raise invalid("Send either all: true or one of emails, ids, extIds")
        return "all", []
    if len(present) != 1:
        raise invalid("Send exactly one of emails, ids or extIds")
    key = present[0]
    items = body[key]
    if not isinstance(items, list) or not items:
        raise invalid(f"{key} should be a non-empty array")
    if len(items) > MAX_MEMBERSHIP_ITEMS:
        raise ApiError(
            400,
            OUT_OF_RANGE,
            f"{key} has {len(items)} items; at most {MAX_MEMBERSHIP_ITEMS} are "
            "allowed per call, use /contacts/import for more",
        )
    if key == "ids":
        valid = all(isinstance(i, int) and not isinstance(i, bool) for i in items)
    else:
        valid = all(isinstance(i, str) for i in items)
    if not valid:
        expected = "integers" if key == "ids" else "strings"
        raise invalid(f"{key} should contain only {expected}")
    return key, items


def change_membership(
    store: ContactStore,
    list_id: int,
    selector: str,
    items: list[Any],
    *,
    add: bool,
    now: datetime,
) -> dict[str, Any]:
    """Add contacts to or remove them from a list; return the 201 body.

    Items are echoed as sent. A repeated item fails the second time.

    Raises:
        ApiError: 400 when no item succeeded.
    """
    success: list[Any] = []
    failure: list[Any] = []
    for item in items:
        contact = _find(store, selector, item)
        if contact is None or (list_id in contact.list_ids) == add:
            failure.append(item)
            continue
        if add:
            contact.list_ids.add(list_id)
        else:
            contact.list_ids.discard(list_id)
        contact.modified_at = now
        success.append(item)
    if not success:
        raise invalid(LIST_ADD_NOTHING_DONE if add else LIST_REMOVE_NOTHING_DONE)
    return {"contacts": {"success": success, "failure": failure}}


def _find(store: ContactStore, selector: str, item: Any) -> Contact | None:
    if selector == "emails":
        return store.find_email(item)
    if selector == "extIds":
        return store.find_ext_id(item)
    return store.find_id(item)
