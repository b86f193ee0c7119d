"""List add and remove in chunks, with per-identifier outcomes across chunks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal

from tajo.brevo.batching import MAX_LIST_MEMBERS_PER_CALL, chunked
from tajo.brevo.classify import is_nothing_changed_in_list
from tajo.brevo.models import ListMembershipResult, MemberKind
from tajo.brevo.session import BrevoSession
from tajo.errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
)

logger = logging.getLogger(__name__)

MembershipAction = Literal["add", "remove"]

# Errors that every other chunk would hit too: raise them instead of recording.
_FATAL_FOR_ALL_CHUNKS = (AuthenticationError, PermissionDeniedError, NotFoundError)


async def change_membership(
    session: BrevoSession,
    list_id: int,
    members: Sequence[str | int],
    *,
    kind: MemberKind,
    action: MembershipAction,
    chunk_size: int = MAX_LIST_MEMBERS_PER_CALL,
) -> ListMembershipResult:
    """Add `members` to or remove them from list `list_id`, 150 per call.

    Each call's `contacts.success` lands in `changed` and `contacts.failure` in
    `unchanged`. Brevo returns 400 "Contact already in list and/or does not
    exist" when nothing in a call could change, and that chunk is `unchanged`
    too. A chunk that fails for another reason is recorded in `failed` and the
    next chunks still run. Neither call is resent after an ambiguous failure.

    Raises:
        AuthenticationError, PermissionDeniedError, NotFoundError: the key or
            the list is unusable, so no chunk can succeed.
    """
    if chunk_size < 1 or chunk_size > MAX_LIST_MEMBERS_PER_CALL:
        raise ValueError(
            f"invalid list chunk size: chunk_size={chunk_size}; expected 1 to "
            f"{MAX_LIST_MEMBERS_PER_CALL}, Brevo's maximum per call"
        )
    unique = list(dict.fromkeys(members))
    path = f"/contacts/lists/{int(list_id)}/contacts/{action}"
    changed: list[str | int] = []
    unchanged: list[str | int] = []
    failed: dict[str | int, str] = {}
    calls = 0
    for chunk in chunked(unique, chunk_size):
        calls += 1
        try:
            response = await session.request("POST", path, body={kind: list(chunk)})
        except _FATAL_FOR_ALL_CHUNKS:
            raise
        except ApiError as exc:
            if is_nothing_changed_in_list(exc):
                unchanged.extend(chunk)
                continue
            logger.warning(
                "brevo list %s: %d identifiers not %s: %s",
                action,
                len(chunk),
                "added" if action == "add" else "removed",
                exc,
            )
            for member in chunk:
                failed[member] = str(exc)
            continue
        outcome = _outcome(response.data)
        if outcome is None:
            reason = (
                f"unexpected list {action} response: status={response.status}; "
                "expected a contacts object with success and failure arrays"
            )
            for member in chunk:
                failed[member] = reason
            continue
        success, failure = outcome
        reported = set(success) | set(failure)
        changed.extend(member for member in chunk if _key(member) in success)
        unchanged.extend(member for member in chunk if _key(member) in failure)
        # Brevo lists every identifier of the call in one of the two arrays; an
        # identifier missing from both is unknown, so count it as unchanged.
        unchanged.extend(member for member in chunk if _key(member) not in reported)
    return ListMembershipResult(
        list_id=list_id,
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        failed=failed,
        calls=calls,
    )


def _key(member: str | int) -> str:
    return str(member).lower()


def _outcome(data: object) -> tuple[set[str], set[str]] | None:
    contacts = data.get("contacts") if isinstance(data, dict) else None
    if not isinstance(contacts, dict):
        return None
    success = contacts.get("success")
    failure = contacts.get("failure")
    return (
        {_key(item) for item in success} if isinstance(success, list) else set(),
        {_key(item) for item in failure} if isinstance(failure, list) else set(),
    )
