"""Folder and list endpoints of the Brevo client."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tajo.brevo.batching import MAX_LIST_MEMBERS_PER_CALL
from tajo.brevo.membership import change_membership
from tajo.brevo.models import ContactList, Folder, ListMembershipResult, MemberKind
from tajo.brevo.responses import expect_id, expect_object
from tajo.brevo.session import BrevoSession

# Brevo's maximum page size for lists and folders.
PAGE_LIMIT = 50


class ListsApi:
    """Contact folders, lists and list membership (`/contacts/folders|lists`)."""

    session: BrevoSession

    async def get_folders(self) -> list[Folder]:
        """Return every contact folder, reading pages of 50."""
        items = await self._read_pages("/contacts/folders", "folders")
        return [
            Folder(id=item["id"], name=str(item.get("name", "")))
            for item in items
            if isinstance(item.get("id"), int)
        ]

    async def create_folder(self, name: str) -> int:
        """Create a contact folder and return its id."""
        path = "/contacts/folders"
        response = await self.session.request("POST", path, body={"name": name})
        return expect_id(response, path)

    async def get_lists(self) -> list[ContactList]:
        """Return every contact list, reading pages of 50."""
        items = await self._read_pages("/contacts/lists", "lists")
        lists: list[ContactList] = []
        for item in items:
            if not isinstance(item.get("id"), int):
                continue
            folder_id = item.get("folderId")
            subscribers = item.get("uniqueSubscribers")
            lists.append(
                ContactList(
                    id=item["id"],
                    name=str(item.get("name", "")),
                    folder_id=folder_id if isinstance(folder_id, int) else None,
                    unique_subscribers=(
                        subscribers if isinstance(subscribers, int) else None
                    ),
                )
            )
        return lists

    async def create_list(self, name: str, *, folder_id: int) -> int:
        """Create a contact list in `folder_id` and return its id.

        Raises:
            NotFoundError: the folder does not exist.
        """
        path = "/contacts/lists"
        response = await self.session.request(
            "POST", path, body={"name": name, "folderId": int(folder_id)}
        )
        return expect_id(response, path)

    async def add_to_list(
        self,
        list_id: int,
        members: Sequence[str | int],
        *,
        kind: MemberKind = "emails",
        chunk_size: int = MAX_LIST_MEMBERS_PER_CALL,
    ) -> ListMembershipResult:
        """Add existing contacts to a list; "already in the list" is success.

        See `tajo.brevo.membership.change_membership` for chunking and errors.
        """
        return await change_membership(
            self.session,
            list_id,
            members,
            kind=kind,
            action="add",
            chunk_size=chunk_size,
        )

    async def remove_from_list(
        self,
        list_id: int,
        members: Sequence[str | int],
        *,
        kind: MemberKind = "emails",
        chunk_size: int = MAX_LIST_MEMBERS_PER_CALL,
    ) -> ListMembershipResult:
        """Remove contacts from a list; "not in the list" lands in `unchanged`."""
        return await change_membership(
            self.session,
            list_id,
            members,
            kind=kind,
            action="remove",
            chunk_size=chunk_size,
        )

    async def _read_pages(self, path: str, key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        offset = 0
        while True:
            response = await self.session.request(
                "GET", path, params={"limit": PAGE_LIMIT, "offset": offset}
            )
            data = expect_object(response, path)
            page = data.get(key)
            page = page if isinstance(page, list) else []
            items.extend(item for item in page if isinstance(item, dict))
            count = data.get("count")
            offset += len(page)
            if len(page) < PAGE_LIMIT or (isinstance(count, int) and offset >= count):
                return items
