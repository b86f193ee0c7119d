"""Bulk contact import: size-limited chunks, then polling of each process.

`POST /contacts/import` returns 202 with a process id; the import runs in the
background and `GET /processes/{id}` reports `queued`, `in_process` and finally
`completed`. `/processes` is in the 100-requests-per-hour family, so polls are
spaced by `poll_seconds` on top of the family limiter, whose window would
otherwise allow a burst of 100 polls.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from tajo.brevo.batching import MAX_IMPORT_BODY_BYTES, pack_by_size
from tajo.brevo.models import ImportContact, ImportResult
from tajo.brevo.session import BrevoSession, encode_segment
from tajo.clock import Clock
from tajo.errors import UnexpectedResponseError

logger = logging.getLogger(__name__)

RUNNING_STATUSES = frozenset({"queued", "in_process"})
# 3600 s / 100 requests: polling alone never spends the hourly budget faster.
DEFAULT_POLL_SECONDS = 36.0
DEFAULT_MAX_POLLS = 100


async def import_contacts(
    session: BrevoSession,
    clock: Clock,
    contacts: Sequence[ImportContact],
    *,
    list_ids: Sequence[int],
    update_existing: bool = True,
    empty_attributes: bool = False,
    disable_notification: bool = True,
    notify_url: str | None = None,
    max_body_bytes: int = MAX_IMPORT_BODY_BYTES,
    poll_seconds: float = DEFAULT_POLL_SECONDS,
    max_polls: int = DEFAULT_MAX_POLLS,
) -> list[ImportResult]:
    """Import `contacts` in chunks below `max_body_bytes` and wait for each.

    Chunks run one after the other. A chunk whose process is still running
    after `max_polls` polls is returned with its last status, so the caller can
    check it later with `get_process`. An import POST is never resent after an
    ambiguous failure (see the retry table in `tajo.brevo.session`).

    Raises:
        ValueError: `list_ids` is empty (Brevo needs a list for an import).
        RecordError: one row alone exceeds `max_body_bytes`.
        ApiError: a request failed.
    """
    if not list_ids:
        raise ValueError(
            "import needs a list: list_ids=[]; expected at least one Brevo list id"
        )
    envelope: dict[str, object] = {
        "listIds": [int(list_id) for list_id in list_ids],
        "updateExistingContacts": update_existing,
        "emptyContactsAttributes": empty_attributes,
        "disableNotification": disable_notification,
    }
    if notify_url is not None:
        envelope["notifyUrl"] = notify_url
    rows = [contact.to_json() for contact in contacts]
    results: list[ImportResult] = []
    chunks = pack_by_size(rows, envelope, key="jsonBody", max_bytes=max_body_bytes)
    for group, body_bytes in chunks:
        response = await session.request(
            "POST", "/contacts/import", body={**envelope, "jsonBody": group}
        )
        process_id = _int_field(response.data, "processId", "/contacts/import")
        logger.info(
            "brevo import: process %d started for %d rows (%d bytes)",
            process_id,
            len(group),
            body_bytes,
        )
        status, report, polls = await _wait_for_process(
            session, clock, process_id, poll_seconds=poll_seconds, max_polls=max_polls
        )
        results.append(
            ImportResult(
                process_id=process_id,
                status=status,
                rows=len(group),
                body_bytes=body_bytes,
                polls=polls,
                report=report,
            )
        )
    return results


async def get_process(
    session: BrevoSession, process_id: int
) -> tuple[str, Mapping[str, object]]:
    """Return a process's status and its `info.import` report (empty if none)."""
    path = f"/processes/{encode_segment(int(process_id))}"
    response = await session.request("GET", path)
    data = response.data
    status = data.get("status") if isinstance(data, dict) else None
    if not isinstance(status, str):
        raise UnexpectedResponseError(
            f"unexpected Brevo process response: path={path}; expected a status "
            "field; check the base URL",
            service="brevo",
            method="GET",
            path=path,
            status=response.status,
        )
    info = data.get("info")
    report = info.get("import") if isinstance(info, dict) else None
    return status, report if isinstance(report, dict) else {}


async def _wait_for_process(
    session: BrevoSession,
    clock: Clock,
    process_id: int,
    *,
    poll_seconds: float,
    max_polls: int,
) -> tuple[str, Mapping[str, object], int]:
    status = "queued"
    report: Mapping[str, object] = {}
    polls = 0
    while polls < max_polls:
        await clock.sleep(poll_seconds)
        status, report = await get_process(session, process_id)
        polls += 1
        if status not in RUNNING_STATUSES:
            return status, report, polls
    logger.warning(
        "brevo import: process %d still %s after %d polls; check it later",
        process_id,
        status,
        polls,
    )
    return status, report, polls


def _int_field(data: object, name: str, path: str) -> int:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnexpectedResponseError(
            f"unexpected Brevo response: path={path}; expected an integer {name}; "
            "check the base URL",
            service="brevo",
            method="POST",
            path=path,
        )
    return value
