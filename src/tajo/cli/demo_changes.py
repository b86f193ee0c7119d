"""The changes `tajo demo` makes in the Gorgias simulator between two syncs.

Agents close one ticket, reopen another and tag a third `vip`; a customer
answers a satisfaction survey with 5 out of 5. Each change goes through the
simulator's own methods, which stamp the objects and record the events the
way Gorgias would, so the incremental sync finds them as it would for real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tajo.sandbox.gorgias import GorgiasSandbox

DEMO_TAG = "vip"
DEMO_SCORE = 5

Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DemoChange:
    """One change made in Gorgias, and the customer it concerns."""

    description: str
    ticket_id: int
    email: str


def _email(ticket: Obj) -> str | None:
    customer = ticket.get("customer")
    if not isinstance(customer, dict):
        return None
    email = customer.get("email")
    return email.strip().lower() if isinstance(email, str) and "@" in email else None


def _usable(tickets: Iterable[Obj]) -> Iterator[Obj]:
    """Yield tickets that produce events: not spam or trashed, customer with email."""
    for ticket in tickets:
        if ticket.get("spam") or ticket.get("trashed_datetime"):
            continue
        if _email(ticket) is not None:
            yield ticket


def _pick(tickets: list[Obj], taken: set[int], test: Callable[[Obj], bool]) -> Obj:
    for ticket in tickets:
        if ticket["id"] not in taken and test(ticket):
            taken.add(ticket["id"])
            return ticket
    raise LookupError("the generated account has no ticket for this demo change")


def make_changes(sandbox: GorgiasSandbox) -> list[DemoChange]:
    """Close, reopen and tag tickets and answer a survey; return what was done.

    Raises:
        LookupError: the generated account is too small to find a ticket for
            each change (the demo uses a few hundred customers).
    """
    with sandbox.store.lock:
        tickets = sorted(
            _usable(sandbox.store.collections["tickets"].values()),
            key=lambda ticket: -ticket["id"],
        )
        surveys = list(sandbox.store.collections["satisfaction-surveys"].values())
    taken: set[int] = set()
    to_close = _pick(tickets, taken, lambda t: t.get("status") == "open")
    to_reopen = _pick(tickets, taken, lambda t: t.get("status") == "closed")
    to_tag = _pick(
        tickets,
        taken,
        lambda t: DEMO_TAG not in {tag.get("name") for tag in t.get("tags") or []},
    )
    survey = _unanswered_survey(surveys, {t["id"]: t for t in tickets}, taken)
    sandbox.close_ticket(to_close["id"])
    sandbox.reopen_ticket(to_reopen["id"])
    sandbox.tag_ticket(to_tag["id"], DEMO_TAG)
    sandbox.answer_survey(survey["id"], DEMO_SCORE, body_text="Quick and kind, thanks!")
    surveyed = {t["id"]: t for t in tickets}[survey["ticket_id"]]
    return [
        _change("closed ticket", to_close),
        _change("reopened ticket", to_reopen),
        _change(f"tagged {DEMO_TAG!r} ticket", to_tag),
        _change(f"survey answered {DEMO_SCORE}/5 for ticket", surveyed),
    ]


def _unanswered_survey(
    surveys: list[Obj], tickets: dict[int, Obj], taken: set[int]
) -> Obj:
    for survey in surveys:
        ticket_id = survey.get("ticket_id")
        if (
            survey.get("score") is None
            and survey.get("sent_datetime")
            and ticket_id in tickets
            and ticket_id not in taken
        ):
            taken.add(ticket_id)
            return survey
    raise LookupError("the generated account has no unanswered survey")


def _change(action: str, ticket: Obj) -> DemoChange:
    email = _email(ticket) or "?"
    return DemoChange(
        description=f"{action} {ticket['id']} of {email}",
        ticket_id=ticket["id"],
        email=email,
    )
