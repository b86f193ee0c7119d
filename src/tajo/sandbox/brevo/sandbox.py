"""`BrevoSandbox`: the simulated Brevo account, its settings and test hooks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from tajo.sandbox.brevo.apierror import DUPLICATE_PARAMETER, INVALID_PARAMETER
from tajo.sandbox.brevo.catalogue import AttributeDef
from tajo.sandbox.brevo.data import RequestRecord, SandboxData
from tajo.sandbox.brevo.faults import Fault, FaultQueue
from tajo.sandbox.brevo.imports import ImportJob, run_import
from tajo.sandbox.brevo.lists import ContactList, Folder
from tajo.sandbox.brevo.processes import IMPORT_PROCESS, Process, RemoveAllJob
from tajo.sandbox.brevo.ratelimit import (
    CONTACTS,
    EVENTS,
    OTHER,
    FamilyLimiter,
    RateDecision,
)
from tajo.sandbox.brevo.seeding import seed_attribute, seed_contact

DEFAULT_API_KEY = "xkeysib-fake-key-for-tests"
DEFAULT_ADMIN_TOKEN = "sandbox-admin"  # noqa: S105 - guards a loopback test hook


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BrevoSandbox:
    """A strict, in-memory Brevo API v3 account for tests, demos and benchmarks.

    Serve it with `create_app(sandbox)`. Every method is thread-safe, so tests
    can inspect the state while uvicorn serves the app from another thread.

    `clock` (seconds) drives rate-limit windows and process completion;
    `now` (aware UTC) stamps `createdAt`/`modifiedAt`. Inject a fake clock's
    `monotonic` and `now` to make both deterministic.
    `sms_conflict_code` is the error code of an SMS clash: Brevo has sent both
    `duplicate_parameter` and `invalid_parameter`. `strict_fields` rejects
    unknown top-level fields in contact writes, which Brevo ignores, to catch
    typos such as `listIDs`.
    """

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        contacts_per_second: int = 10,
        contacts_per_hour: int = 36000,
        events_per_second: int = 10,
        events_per_hour: int = 36000,
        other_per_hour: int = 100,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        import_polls_to_complete: int = 2,
        import_seconds_to_complete: float | None = 30.0,
        admin_token: str = DEFAULT_ADMIN_TOKEN,
        sms_conflict_code: str = DUPLICATE_PARAMETER,
        strict_fields: bool = False,
    ) -> None:
        if sms_conflict_code not in (DUPLICATE_PARAMETER, INVALID_PARAMETER):
            raise ValueError(
                f"invalid sms_conflict_code: {sms_conflict_code!r}; expected "
                f"{DUPLICATE_PARAMETER!r} or {INVALID_PARAMETER!r}"
            )
        if import_polls_to_complete < 0:
            raise ValueError("invalid import_polls_to_complete; expected >= 0")
        self.api_key = api_key
        self.admin_token = admin_token
        self.clock = clock
        self.now = now
        self.import_polls_to_complete = import_polls_to_complete
        self.import_seconds_to_complete = import_seconds_to_complete
        self.sms_conflict_code = sms_conflict_code
        self.strict_fields = strict_fields
        self._limits = {
            CONTACTS: (contacts_per_second, contacts_per_hour),
            EVENTS: (events_per_second, events_per_hour),
            OTHER: (None, other_per_hour),
        }
        self.lock = threading.RLock()
        self.faults = FaultQueue()
        self.down = False
        self.data = SandboxData()
        self._limiters: dict[str, FamilyLimiter] = {}
        self._reset_limiters()

    def _reset_limiters(self) -> None:
        self._limiters = {
            family: FamilyLimiter.build(per_second=second, per_hour=hour)
            for family, (second, hour) in self._limits.items()
        }

    # -- inspection -------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Return a copy of the request log, oldest first."""
        with self.lock:
            return list(self.data.requests)

    def state(self) -> dict[str, Any]:
        """Return a JSON-ready dump of the whole account and the request log."""
        with self.lock:
            self.settle()
            data = self.data
            contacts = data.contacts
            return {
                "contacts": [
                    contacts.by_id[key].to_state() for key in sorted(contacts.by_id)
                ],
                "attributes": [item.to_json() for item in data.catalogue.items],
                "folders": [
                    {"id": f.id, "name": f.name} for f in data.folders.values()
                ],
                "lists": [
                    {"id": item.id, "name": item.name, "folderId": item.folder_id}
                    for item in data.lists.values()
                ],
                "events": [event.to_state() for event in data.events],
                "emails": [dict(email) for email in data.emails],
                "processes": [p.to_state() for p in data.processes.values()],
                "requests": [record.to_state() for record in data.requests],
                "faults": self.faults.to_state(),
                "down": self.down,
            }

    def find_contact(
        self,
        *,
        email: str | None = None,
        ext_id: str | None = None,
        sms: str | None = None,
        contact_id: int | None = None,
    ) -> dict[str, Any] | None:
        """Return the state dump of the contact matching one identifier."""
        with self.lock:
            store = self.data.contacts
            if email is not None:
                found = store.find_email(email)
            elif ext_id is not None:
                found = store.find_ext_id(ext_id)
            elif sms is not None:
                found = store.find_phone(sms)
            elif contact_id is not None:
                found = store.find_id(contact_id)
            else:
                raise ValueError("find_contact needs email, ext_id, sms or contact_id")
            return None if found is None else found.to_state()

    # -- setup --------------------------------------------------------------

    def reset(self) -> None:
        """Return to a fresh account: data, request log, faults and limits."""
        with self.lock:
            self.data = SandboxData()
            self.faults.clear()
            self.down = False
            self._reset_limiters()

    def seed(
        self,
        *,
        contacts: Iterable[dict[str, Any]] = (),
        attributes: Iterable[dict[str, Any]] = (),
        lists: Iterable[dict[str, Any]] = (),
        folders: Iterable[dict[str, Any]] = (),
    ) -> None:
        """Preload state, bypassing the API and its rate limits.

        Folders `{"id"?, "name"}` come first, then attributes in the listing
        shape, lists `{"id"?, "name", "folderId"?}` and contacts (the
        `POST /v3/contacts` body, plus an optional `"id"`). Attributes accept
        any `type`, so tests can use types the sandbox does not know.

        Raises:
            ValueError: when an item breaks a rule the API would enforce.
        """
        with self.lock:
            for folder in folders:
                self.create_folder(folder["name"], folder_id=folder.get("id"))
            for attribute in attributes:
                seed_attribute(self.data.catalogue, attribute)
            for item in lists:
                self.create_list(
                    item["name"],
                    folder_id=item.get("folderId", 1),
                    list_id=item.get("id"),
                )
            for contact in contacts:
                seed_contact(self.data, contact, now=self.now())

    def create_attribute(
        self,
        name: str,
        type: str | None = "text",
        *,
        category: str = "normal",
        enumeration: list[dict[str, Any]] | None = None,
        options: list[str] | None = None,
    ) -> None:
        """Add an attribute to the catalogue without an API call.

        Raises:
            ValueError: when the name is taken.
        """
        definition = AttributeDef(
            name, category, type, enumeration=enumeration, options=options
        )
        with self.lock:
            seed_attribute(self.data.catalogue, definition)

    def create_folder(self, name: str, *, folder_id: int | None = None) -> int:
        """Create a folder and return its id.

        Raises:
            ValueError: when `folder_id` is taken.
        """
        with self.lock:
            new_id = self.data.next_folder_id() if folder_id is None else folder_id
            if new_id in self.data.folders:
                raise ValueError(f"folder already exists: folder_id={new_id}")
            self.data.folders[new_id] = Folder(new_id, name)
            return new_id

    def create_list(
        self, name: str, *, folder_id: int = 1, list_id: int | None = None
    ) -> int:
        """Create a list and return its id.

        Raises:
            ValueError: when the folder does not exist or `list_id` is taken.
        """
        with self.lock:
            if folder_id not in self.data.folders:
                raise ValueError(f"folder not found: folder_id={folder_id}")
            new_id = self.data.next_list_id() if list_id is None else list_id
            if new_id in self.data.lists:
                raise ValueError(f"list already exists: list_id={new_id}")
            self.data.lists[new_id] = ContactList(new_id, name, folder_id, self.now())
            return new_id

    # -- faults ---------------------------------------------------------------

    def inject_fault(
        self,
        kind: str,
        *,
        count: int = 1,
        path_prefix: str = "/v3",
        status: int = 503,
        delay: float = 1.0,
        after_processing: bool = False,
    ) -> None:
        """Make the next `count` requests under `path_prefix` fail.

        Kinds: `server_error` (respond with `status`), `rate_limit` (429 with
        the family's headers), `drop` (close the connection without a
        response, which in-process transports raise as
        `httpx.RemoteProtocolError`), `slow` (wait `delay` real seconds, then
        respond normally). With `after_processing`, the request takes effect
        before the fault replaces its response.

        Raises:
            ValueError: for an unknown kind or an invalid count or status.
        """
        with self.lock:
            self.faults.add(
                kind,
                count=count,
                path_prefix=path_prefix,
                status=status,
                delay=delay,
                after_processing=after_processing,
            )

    def clear_faults(self) -> None:
        """Drop every pending fault."""
        with self.lock:
            self.faults.clear()

    def set_down(self, down: bool) -> None:
        """Respond to every `/v3` request with 503 while `down` is true."""
        with self.lock:
            self.down = down

    # -- used by the HTTP layer ------------------------------------------------

    def take_fault(self, path: str) -> Fault | None:
        """Return the fault for a request, if one is pending."""
        with self.lock:
            return self.faults.take(path)

    def acquire(self, family: str) -> RateDecision:
        """Count a request against its family's rate limit."""
        with self.lock:
            return self._limiters[family].acquire(self.clock())

    def exhausted(self, family: str) -> RateDecision:
        """Return 429 headers for an injected rate-limit fault."""
        with self.lock:
            return self._limiters[family].exhausted(self.clock())

    def start_process(self, name: str, job: Any, *, notify_url: str | None) -> int:
        """Create a process for deferred work and return its id."""
        with self.lock:
            process = Process(
                id=self.data.next_process_id,
                name=name,
                created_at=self.clock(),
                job=job,
                notify_url=notify_url,
            )
            self.data.next_process_id += 1
            self.data.processes[process.id] = process
            self.settle()
            return process.id

    def settle(self) -> None:
        """Complete every process that is due by polls or by time."""
        with self.lock:
            now = self.clock()
            for process in self.data.processes.values():
                if process.is_due(
                    now,
                    polls=self.import_polls_to_complete,
                    seconds=self.import_seconds_to_complete,
                ):
                    self._complete(process)

    def _complete(self, process: Process) -> None:
        process.completed = True
        if process.name == IMPORT_PROCESS and isinstance(process.job, ImportJob):
            outcome = run_import(
                process.job,
                self.data.contacts,
                self.data.catalogue,
                now=self.now(),
            )
            process.reports = outcome.reports
            process.rejected_rows = outcome.rejected
        elif isinstance(process.job, RemoveAllJob):
            for contact in self.data.contacts.by_id.values():
                contact.list_ids.discard(process.job.list_id)
        process.job = None
