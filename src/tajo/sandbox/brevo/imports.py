"""`POST /v3/contacts/import`: request validation and the deferred row work.

The request is checked at once (202 `{"processId"}`); the rows are applied
when the process completes (see `processes.py`). Rules:

- Exactly one of `jsonBody` (array of `{"email"?, "attributes"}`) and
  `fileBody` (CSV text with a header row, `;`-separated, an `EMAIL` column
  and one column per attribute). `fileUrl` is rejected because the sandbox
  never fetches remote files.
- The request body may be at most 10,000,000 bytes (Brevo documents a 10 MB
  limit); a larger one gets 400 `invalid_parameter`.
- `listIds` is required unless `newList: {"listName", "folderId"}` is given,
  and every list must exist.
- In rows, `SMS` and `EXT_ID` attributes are identifiers. A row without an
  email, SMS or ext_id is rejected.
- Each row follows the contact rules. A row with an invalid email goes to
  the `invalid_emails` report. A row with an identifier seen in an earlier
  row, or owned by a contact other than the one the row matches, goes to the
  matching `duplicate_*` report.
- Brevo does not document what an invalid SMS in an import does. The sandbox
  drops that SMS value and keeps the row if another identifier remains.
- With `updateExistingContacts: false`, rows matching an existing contact
  are skipped entirely, lists included. Empty values erase stored ones only
  with `emptyContactsAttributes: true`. `emailBlacklist`/`smsBlacklist`
  blocklist every imported contact.
- `notifyUrl` is recorded but never called (the sandbox makes no outbound
  requests).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tajo.sandbox.brevo.apierror import ApiError, invalid, missing
from tajo.sandbox.brevo.catalogue import CLEAR, DROP, AttributeCatalogue
from tajo.sandbox.brevo.contact_writes import (
    ContactWrite,
    apply_write,
    clashes,
    owners,
    parse_email,
    pick_target,
)
from tajo.sandbox.brevo.contacts import Contact, ContactStore
from tajo.sandbox.brevo.phones import normalise_sms

MAX_IMPORT_BYTES = 10_000_000
_REPORT_FOR = {
    "email": "duplicate_email_id",
    "ext_id": "duplicate_ext_id",
    "SMS": "duplicate_phone_id",
}


@dataclass(slots=True)
class ImportRow:
    """One row as sent; CSV cells stay text until completion."""

    email: Any
    attributes: dict[str, Any]
    from_csv: bool = False

    def to_report(self) -> dict[str, Any]:
        """Return the row as a report line."""
        return {"EMAIL": self.email, **self.attributes}


@dataclass(slots=True)
class ImportJob:
    """A validated import waiting for its process to complete."""

    rows: list[ImportRow]
    list_ids: list[int]
    update_existing: bool = True
    empty_attributes: bool = False
    email_blacklist: bool = False
    sms_blacklist: bool = False
    notify_url: str | None = None
    new_list: dict[str, Any] | None = None


@dataclass(slots=True)
class ImportOutcome:
    """Rejected rows per report kind, plus rows no report kind fits."""

    reports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def report(self, kind: str, row: ImportRow) -> None:
        """Add a row to one report."""
        self.reports.setdefault(kind, []).append(row.to_report())


def parse_import(
    body: dict[str, Any], *, known_lists: set[int], known_folders: set[int]
) -> ImportJob:
    """Validate an import request.

    Raises:
        ApiError: 400 for a missing or doubled data source, malformed rows
            or flags, and unknown lists or folders.
    """
    sources = [key for key in ("fileUrl", "fileBody", "jsonBody") if key in body]
    if len(sources) != 1:
        raise invalid("Send exactly one of fileUrl, fileBody or jsonBody")
    if sources[0] == "fileUrl":
        raise invalid(
            "fileUrl is not supported by the Brevo sandbox; send jsonBody or fileBody"
        )
    rows = (
        _json_rows(body["jsonBody"])
        if sources[0] == "jsonBody"
        else _csv_rows(body["fileBody"])
    )
    job = ImportJob(rows=rows, list_ids=[])
    job.new_list = _parse_new_list(body.get("newList"), known_folders)
    job.list_ids = _parse_import_lists(body.get("listIds"), known_lists)
    if not job.list_ids and job.new_list is None:
        raise missing("listIds is required unless newList is given")
    job.update_existing = _flag(body, "updateExistingContacts", default=True)
    job.empty_attributes = _flag(body, "emptyContactsAttributes", default=False)
    job.email_blacklist = _flag(body, "emailBlacklist", default=False)
    job.sms_blacklist = _flag(body, "smsBlacklist", default=False)
    _flag(body, "disableNotification", default=False)
    notify_url = body.get("notifyUrl")
    if notify_url is not None and not isinstance(notify_url, str):
        raise invalid("notifyUrl should be a URL string")
    job.notify_url = notify_url
    return job


def _json_rows(raw: Any) -> list[ImportRow]:
    if not isinstance(raw, list) or not raw:
        raise invalid("jsonBody should be a non-empty array")
    rows: list[ImportRow] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise invalid(f"jsonBody[{index}] should be an object")
        attributes = item.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise invalid(f"jsonBody[{index}].attributes should be an object")
        rows.append(ImportRow(email=item.get("email"), attributes=dict(attributes)))
    return rows


def _csv_rows(raw: Any) -> list[ImportRow]:
    if not isinstance(raw, str) or not raw.strip():
        raise invalid("fileBody should be non-empty CSV text")
    reader = csv.DictReader(io.StringIO(raw), delimiter=";")
    if not reader.fieldnames:
        raise invalid("fileBody needs a header row")
    rows: list[ImportRow] = []
    for record in reader:
        cells = {key: (value or "") for key, value in record.items() if key}
        email = cells.pop("EMAIL", "") or None
        rows.append(ImportRow(email=email, attributes=cells, from_csv=True))
    if not rows:
        raise invalid("fileBody has a header but no rows")
    return rows


def _parse_new_list(raw: Any, known_folders: set[int]) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("listName"), str):
        raise invalid("newList needs listName and folderId")
    if raw.get("folderId") not in known_folders:
        raise invalid(f"Invalid newList.folderId: {raw.get('folderId')!r}")
    return {"listName": raw["listName"], "folderId": raw["folderId"]}


def _parse_import_lists(raw: Any, known: set[int]) -> list[int]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in raw
    ):
        raise invalid("listIds should be an array of integers")
    for list_id in raw:
        if list_id not in known:
            raise invalid(f"Invalid listIds: list {list_id} does not exist")
    return list(raw)


def _flag(body: dict[str, Any], key: str, *, default: bool) -> bool:
    raw = body.get(key, default)
    if not isinstance(raw, bool):
        raise invalid(f"{key} should be a boolean")
    return raw


def run_import(
    job: ImportJob,
    store: ContactStore,
    catalogue: AttributeCatalogue,
    *,
    now: datetime,
) -> ImportOutcome:
    """Apply every row of a completed import; return the rejected rows."""
    outcome = ImportOutcome()
    seen: dict[str, set[str]] = {"email": set(), "ext_id": set(), "SMS": set()}
    for row in job.rows:
        write = _row_write(row, job, catalogue, outcome)
        if write is None:
            continue
        repeated = [k for k, v in write.identifiers().items() if v in seen[k]]
        for kind, value in write.identifiers().items():
            seen[kind].add(value)
        if repeated:
            outcome.report(_REPORT_FOR[repeated[0]], row)
            continue
        found = owners(store, write)
        target = pick_target(write, found)
        clashing = clashes(found, target)
        if clashing:
            outcome.report(_REPORT_FOR[clashing[0]], row)
            continue
        if target is not None and not job.update_existing:
            continue
        if target is None:
            target = Contact(id=store.allocate_id(), created_at=now, modified_at=now)
            store.add(target)
        apply_write(store, target, write, now=now)
    return outcome


def _row_write(
    row: ImportRow,
    job: ImportJob,
    catalogue: AttributeCatalogue,
    outcome: ImportOutcome,
) -> ContactWrite | None:
    write = ContactWrite(list_ids=list(job.list_ids))
    if row.email is not None:
        try:
            write.email = parse_email(row.email)
        except ApiError:
            outcome.report("invalid_emails", row)
            return None
    for name, value in row.attributes.items():
        if name == "SMS":
            if isinstance(value, str) and value:
                write.sms = normalise_sms(value)
        elif name == "EXT_ID":
            if isinstance(value, str) and value:
                write.ext_id = value
        else:
            _row_attribute(write, name, value, row, job, catalogue)
    if not write.identifiers():
        outcome.rejected.append(
            {"row": row.to_report(), "reason": "no email, SMS or EXT_ID"}
        )
        return None
    if job.email_blacklist:
        write.email_blacklisted = True
    if job.sms_blacklist:
        write.sms_blacklisted = True
    return write


def _row_attribute(
    write: ContactWrite,
    name: str,
    value: Any,
    row: ImportRow,
    job: ImportJob,
    catalogue: AttributeCatalogue,
) -> None:
    if row.from_csv and isinstance(value, str):
        coerced = catalogue.coerce_text(name, value)
    else:
        coerced = catalogue.coerce(name, value)
    if coerced is DROP or (coerced is CLEAR and not job.empty_attributes):
        return
    write.attributes[name] = coerced
