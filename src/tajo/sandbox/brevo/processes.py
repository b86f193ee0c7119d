"""Asynchronous Brevo processes, as read by `GET /v3/processes/{id}`.

A process completes, and only then takes effect, once it has been read
`polls_to_complete` times or `seconds_to_complete` seconds have passed on the
sandbox clock, whichever comes first. The k-th read returns `queued` for
k = 1, `in_process` while k < polls_to_complete, then `completed`. With
`polls_to_complete=0` a process completes as soon as it is created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

IMPORT_PROCESS = "IMPORTUSER"
# NOTE: a guess, because Brevo does not document the process name of a remove-all.
REMOVE_ALL_PROCESS = "REMOVE_LIST_CONTACTS"

IMPORT_REPORT_KINDS = (
    "invalid_emails",
    "duplicate_contact_id",
    "duplicate_ext_id",
    "duplicate_email_id",
    "duplicate_phone_id",
    "duplicate_whatsapp_id",
    "duplicate_landline_number_id",
)


@dataclass(frozen=True, slots=True)
class RemoveAllJob:
    """Pending `{"all": true}` removal of every contact from a list."""

    list_id: int


@dataclass(slots=True)
class Process:
    """One process; `job` is the pending work, run at completion."""

    id: int
    name: str
    created_at: float
    job: Any
    polls: int = 0
    completed: bool = False
    reports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejected_rows: list[dict[str, Any]] = field(default_factory=list)
    notify_url: str | None = None

    def is_due(self, now: float, *, polls: int, seconds: float | None) -> bool:
        """Return whether the process should complete now."""
        if self.completed:
            return False
        if self.polls >= polls:
            return True
        return seconds is not None and now - self.created_at >= seconds

    def status(self) -> str:
        """Return the status the latest read reports."""
        if self.completed:
            return "completed"
        return "queued" if self.polls <= 1 else "in_process"

    def to_api(self, report_base_url: str) -> dict[str, Any]:
        """Return the body of `GET /v3/processes/{id}`.

        A completed import carries `info.import`: per report kind, the URL of
        a CSV of the rejected rows, or null when there are none.
        """
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "status": self.status(),
        }
        if self.completed and self.name == IMPORT_PROCESS:
            body["info"] = {
                "import": {
                    kind: (
                        f"{report_base_url}/{self.id}/{kind}.csv"
                        if self.reports.get(kind)
                        else None
                    )
                    for kind in IMPORT_REPORT_KINDS
                }
            }
        return body

    def to_state(self) -> dict[str, Any]:
        """Return the process for the sandbox state dump."""
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status(),
            "polls": self.polls,
            "created_at": self.created_at,
            "reports": {kind: list(rows) for kind, rows in self.reports.items()},
            "rejected_rows": list(self.rejected_rows),
            "notify_url": self.notify_url,
        }


def report_csv(rows: list[dict[str, Any]]) -> str:
    """Render rejected import rows as `;`-separated CSV, columns sorted."""
    columns = sorted({key for row in rows for key in row})
    lines = [";".join(columns)]
    for row in rows:
        cells = ["" if row.get(key) is None else str(row[key]) for key in columns]
        lines.append(";".join(cells))
    return "\n".join(lines) + "\n"
