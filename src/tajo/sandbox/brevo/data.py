"""Everything the simulated Brevo account stores, in one resettable object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tajo.sandbox.brevo.catalogue import AttributeCatalogue
from tajo.sandbox.brevo.contacts import ContactStore
from tajo.sandbox.brevo.events import EventRecord
from tajo.sandbox.brevo.lists import ContactList, Folder
from tajo.sandbox.brevo.processes import Process

DEFAULT_FOLDER_ID = 1
DEFAULT_FOLDER_NAME = "Your first folder"


@dataclass(slots=True)
class RequestRecord:
    """One request to `/v3`, as the sandbox saw it.

    `path` is the raw path, still percent-encoded, so tests can check how a
    client encoded an identifier. `body` is the parsed JSON (or the text when
    it is not JSON). `status` is None when the connection was dropped.
    `at` is the sandbox clock reading in seconds.
    """

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    status: int | None = None

    def to_state(self) -> dict[str, Any]:
        """Return the record for the state dump."""
        return {
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "status": self.status,
            "at": self.at,
            "body": self.body,
        }


@dataclass(slots=True)
class SandboxData:
    """Contacts, catalogue, folders, lists, events, emails and processes."""

    contacts: ContactStore = field(default_factory=ContactStore)
    catalogue: AttributeCatalogue = field(
        default_factory=AttributeCatalogue.with_defaults
    )
    folders: dict[int, Folder] = field(
        default_factory=lambda: {
            DEFAULT_FOLDER_ID: Folder(DEFAULT_FOLDER_ID, DEFAULT_FOLDER_NAME)
        }
    )
    lists: dict[int, ContactList] = field(default_factory=dict)
    events: list[EventRecord] = field(default_factory=list)
    emails: list[dict[str, Any]] = field(default_factory=list)
    processes: dict[int, Process] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    next_process_id: int = 1
    next_message_id: int = 1

    def next_folder_id(self) -> int:
        """Return the id for a new folder."""
        return max(self.folders, default=0) + 1

    def next_list_id(self) -> int:
        """Return the id for a new list."""
        return max(self.lists, default=0) + 1
