"""Writing contact operations to Brevo: bulk import or upserts, then lists.

Many contacts go through `POST /contacts/import` in chunks, and each import
process is polled until it ends. A chunk whose process reports rejected rows
is written again contact by contact, so each conflict is reported for its
own contact.
A few contacts go through one upsert each, which also joins their lists in
the same call. List joins and leaves that remain go 150 identifiers per call,
by ext_id when the contact has one and by email otherwise; a contact known
only by its SMS is changed with one update call.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tajo.brevo import BrevoClient, ContactUpsert, ImportContact, MemberKind
from tajo.brevo.imports import DEFAULT_POLL_SECONDS
from tajo.errors import ApiError, FatalApiError, RecordError

logger = logging.getLogger(__name__)

# Above this many contacts in one batch, the import endpoint is cheaper.
IMPORT_THRESHOLD = 50
# Rows per import request; far below Brevo's 10 MB body limit.
IMPORT_CHUNK_ROWS = 5000


@dataclass(frozen=True, slots=True)
class ContactWrite:
    """One queued contact operation, as the planner wrote its payload."""

    item_id: int
    customer_id: int
    email: str | None
    sms: str | None
    ext_id: str | None
    attributes: Mapping[str, Any]
    upsert: bool
    add: tuple[int, ...]
    remove: tuple[int, ...]
    digest: str

    @classmethod
    def from_payload(cls, item_id: int, payload: Mapping[str, Any]) -> ContactWrite:
        """Read a `contact` outbox payload."""
        return cls(
            item_id=item_id,
            customer_id=int(payload["customer_id"]),
            email=payload.get("email"),
            sms=payload.get("sms"),
            ext_id=payload.get("ext_id"),
            attributes=dict(payload.get("attributes") or {}),
            upsert=bool(payload.get("upsert", True)),
            add=tuple(int(i) for i in payload.get("add") or ()),
            remove=tuple(int(i) for i in payload.get("remove") or ()),
            digest=str(payload.get("hash") or ""),
        )

    def upsert_body(self, *, with_lists: bool) -> ContactUpsert:
        return ContactUpsert(
            email=self.email,
            ext_id=self.ext_id,
            sms=self.sms,
            attributes=dict(self.attributes),
            list_ids=self.add if with_lists else (),
        )


@dataclass(slots=True)
class ContactResult:
    """The outcome of one contact operation."""

    written: bool = False
    error: ApiError | RecordError | ValueError | None = None
    sms_dropped: str | None = None
    brevo_id: int | None = None
    joined: set[int] = field(default_factory=set)
    left: set[int] = field(default_factory=set)
    list_errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ContactBatch:
    """The outcome of one batch of contact operations."""

    results: dict[int, ContactResult] = field(default_factory=dict)
    requests: int = 0


async def write_contacts(
    brevo: BrevoClient,
    writes: Sequence[ContactWrite],
    *,
    import_list: int | None,
    on_import: Callable[[str], None] | None = None,
) -> ContactBatch:
    """Write a batch of contact operations and their list changes.

    `on_import` receives a line before each bulk import, whose status Brevo
    is polled for (every 36 s by default) until it finishes.
    """
    batch = ContactBatch({write.item_id: ContactResult() for write in writes})
    upserts = [write for write in writes if write.upsert]
    pending_lists: dict[int, set[int]] = {}
    if len(upserts) > IMPORT_THRESHOLD and import_list is not None:
        imported = await _import(brevo, upserts, import_list, batch, on_import)
        for write in upserts:
            if write.item_id in imported:
                pending_lists[write.item_id] = set(write.add) - {import_list}
            elif batch.results[write.item_id].error is None:
                await _upsert_one(brevo, write, batch)
    else:
        for write in upserts:
            await _upsert_one(brevo, write, batch)
    for write in writes:
        result = batch.results[write.item_id]
        if not write.upsert:
            result.written = True
            pending_lists[write.item_id] = set(write.add)
        elif write.item_id not in pending_lists and result.written:
            pending_lists[write.item_id] = set()
    ready = [w for w in writes if batch.results[w.item_id].written]
    await _change_lists(brevo, ready, pending_lists, batch)
    return batch


async def _import(
    brevo: BrevoClient,
    writes: Sequence[ContactWrite],
    import_list: int,
    batch: ContactBatch,
    on_import: Callable[[str], None] | None,
) -> set[int]:
    imported: set[int] = set()
    for start in range(0, len(writes), IMPORT_CHUNK_ROWS):
        chunk = writes[start : start + IMPORT_CHUNK_ROWS]
        if on_import is not None:
            on_import(_import_line(brevo, len(chunk), import_list))
        rows = [
            ImportContact(
                email=w.email, ext_id=w.ext_id, sms=w.sms, attributes=dict(w.attributes)
            )
            for w in chunk
        ]
        try:
            results = await brevo.import_contacts(rows, list_ids=[import_list])
        except (ApiError, RecordError) as exc:
            logger.warning("brevo import of %d contacts failed: %s", len(chunk), exc)
            batch.requests += 1
            for write in chunk:
                batch.results[write.item_id].error = exc
            continue
        batch.requests += sum(1 + result.polls for result in results)
        rejected = any(value for result in results for value in result.report.values())
        unfinished = any(result.status != "completed" for result in results)
        if rejected or unfinished:
            # Brevo names rejected rows only in CSV reports. Writing the chunk
            # again one contact at a time shows which contact failed and why,
            # and rewriting the imported rows changes nothing.
            logger.warning(
                "brevo import of %d contacts reported rejected rows or did not "
                "finish; writing them one by one",
                len(chunk),
            )
            continue
        for write in chunk:
            result = batch.results[write.item_id]
            result.written = True
            result.joined.add(import_list)
            imported.add(write.item_id)
    return imported


async def _upsert_one(
    brevo: BrevoClient, write: ContactWrite, batch: ContactBatch
) -> None:
    result = batch.results[write.item_id]
    try:
        outcome = await brevo.upsert_contact_with_sms_fallback(
            write.upsert_body(with_lists=True)
        )
    except (ApiError, ValueError) as exc:
        batch.requests += 1
        result.error = exc
        return
    batch.requests += 2 if outcome.sms_dropped else 1
    result.written = True
    result.brevo_id = outcome.result.contact_id
    result.joined.update(write.add)
    if outcome.sms_rejection is not None:
        result.sms_dropped = str(outcome.sms_rejection)


# NOTE: list joins do not check Brevo's blocklist flags, so a contact
# blocklisted in Brevo still joins the configured lists. Knowing the flags
# would take a read per contact before writing. tajo never sets those flags.
async def _change_lists(
    brevo: BrevoClient,
    writes: Sequence[ContactWrite],
    adds: Mapping[int, set[int]],
    batch: ContactBatch,
) -> None:
    groups: dict[tuple[int, str, MemberKind], list[tuple[str, int]]] = defaultdict(list)
    for write in writes:
        result = batch.results[write.item_id]
        joins = adds.get(write.item_id, set())
        leaves = set(write.remove)
        member, kind = _member(write)
        if member is None:
            if joins or leaves:
                await _update_sms_contact(brevo, write, joins, leaves, batch)
            continue
        for list_id in sorted(joins):
            groups[(list_id, "add", kind)].append((member, write.item_id))
        for list_id in sorted(leaves):
            groups[(list_id, "remove", kind)].append((member, write.item_id))
        result.joined -= leaves
    for (list_id, action, kind), members in sorted(groups.items()):
        values = [member for member, _ in members]
        try:
            if action == "add":
                outcome = await brevo.add_to_list(list_id, values, kind=kind)
            else:
                outcome = await brevo.remove_from_list(list_id, values, kind=kind)
        except FatalApiError as exc:
            batch.requests += 1
            for _, item_id in members:
                batch.results[item_id].list_errors.append(
                    f"list {action} failed: list_id={list_id}; {exc}"
                )
            continue
        batch.requests += outcome.calls
        failed = {str(member).lower() for member in outcome.failed}
        for member, item_id in members:
            result = batch.results[item_id]
            if member.lower() in failed:
                result.list_errors.append(
                    f"list {action} failed: list_id={list_id} member={member}; "
                    f"{outcome.failed.get(member, 'rejected')}"
                )
            elif action == "add":
                result.joined.add(list_id)
            else:
                result.left.add(list_id)


def _member(write: ContactWrite) -> tuple[str | None, MemberKind]:
    if write.ext_id is not None:
        return write.ext_id, "extIds"
    if write.email is not None:
        return write.email, "emails"
    return None, "emails"


async def _update_sms_contact(
    brevo: BrevoClient,
    write: ContactWrite,
    joins: set[int],
    leaves: set[int],
    batch: ContactBatch,
) -> None:
    result = batch.results[write.item_id]
    if write.sms is None:
        result.list_errors.append(
            f"list change impossible: customer_id={write.customer_id}; the "
            "contact has no email, ext_id or SMS to name it by"
        )
        return
    batch.requests += 1
    try:
        await brevo.update_contact(
            write.sms,
            identifier_type="phone_id",
            list_ids=sorted(joins),
            unlink_list_ids=sorted(leaves),
        )
    except ApiError as exc:
        result.list_errors.append(f"list change failed by SMS: {exc}")
        return
    result.joined |= joins
    result.left |= leaves


def _import_line(brevo: BrevoClient, rows: int, import_list: int) -> str:
    # The client keeps its poll interval private; the default is 36 s.
    seconds = getattr(brevo, "_import_poll_seconds", DEFAULT_POLL_SECONDS)
    contacts = "1 contact" if rows == 1 else f"{rows} contacts"
    return (
        f"Waiting for Brevo to import {contacts} into list {import_list} "
        f"(import status polled every {seconds:g} s)"
    )
