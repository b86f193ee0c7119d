"""Python handlers for transitions, run at most once per transition.

A handler registered with `@client.connectors.on("gorgias", "ticket.closed")`
is called with the `Transition` after the Brevo effects of that change were
queued and sent. Before the call, a key made of the handler's name and the
transition's idempotency key is written to the event ledger; only the call
that wrote it runs the handler. So the same change seen twice (a Gorgias
retry, several workers, several processes) runs a handler once, and a crash
between the ledger write and the call means it does not run at all: at most
once, never twice.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from tajo.config import EVENT_KINDS
from tajo.errors import ConfigError
from tajo.mapping import (
    Transition,
    customer_transitions,
    survey_transitions,
    ticket_transitions,
)
from tajo.redact import redact_text
from tajo.store import (
    Store,
    Tx,
    add_failed_record,
    customer_surveys,
    get_customer,
    get_ticket,
    record_emitted_event,
    set_event_state,
)
from tajo.sync import TicketOutcome

logger = logging.getLogger(__name__)

Handler = Callable[[Transition], Awaitable[None] | None]
"""A function of one Transition; it may be a coroutine function."""
HandlerT = TypeVar("HandlerT", bound=Handler)

CONNECTORS = ("gorgias",)


def check_connector(name: str) -> str:
    """Return `name` if it is a known connector.

    Raises:
        ConfigError: any other name.
    """
    if name not in CONNECTORS:
        raise ConfigError(
            f"unknown connector: name={name!r}; expected one of "
            f"{', '.join(CONNECTORS)}; use 'gorgias'"
        )
    return name


class Handlers:
    """The registered handlers, by transition kind."""

    def __init__(self) -> None:
        self._by_kind: dict[str, list[Handler]] = {}

    def on(self, kind: str) -> Callable[[HandlerT], HandlerT]:
        """Return a decorator that registers a handler for `kind`.

        Raises:
            ConfigError: `kind` is not a transition kind.
        """
        if kind not in EVENT_KINDS:
            raise ConfigError(
                f"unknown transition kind: kind={kind!r}; expected one of "
                f"{', '.join(EVENT_KINDS)}; fix the on(...) decorator"
            )

        def register(handler: HandlerT) -> HandlerT:
            self._by_kind.setdefault(kind, []).append(handler)
            return handler

        return register

    def __bool__(self) -> bool:
        return any(self._by_kind.values())

    def kinds(self) -> frozenset[str]:
        """Return the kinds that have at least one handler."""
        return frozenset(kind for kind, found in self._by_kind.items() if found)

    async def dispatch(
        self, store: Store, transitions: list[Transition], *, connector_id: str
    ) -> int:
        """Run the handlers of each transition once; return how many ran.

        A handler that raises is logged and recorded in the failed-record
        ledger; it is not retried, and the other handlers still run.
        """
        ran = 0
        for transition in transitions:
            for handler in self._by_kind.get(transition.kind, []):
                key = f"handler:{handler_name(handler)}:{transition.idempotency_key}"
                with store.transaction(connector_id) as tx:
                    first = record_emitted_event(
                        tx,
                        key,
                        f"handler:{handler_name(handler)}",
                        customer_id=transition.customer_id,
                        event_date=transition.occurred_at,
                    )
                if not first:
                    continue
                failure = await _call(handler, transition)
                with store.transaction(connector_id) as tx:
                    set_event_state(tx, key, "failed" if failure else "sent")
                    if failure:
                        add_failed_record(
                            tx,
                            "webhook",
                            "handler",
                            transition.idempotency_key,
                            reason="handler_failed",
                            detail=f"{handler_name(handler)}: {failure}",
                            payload={"handler": handler_name(handler), "key": key},
                        )
                ran += 1
        return ran


def handler_name(handler: Handler) -> str:
    """Return `module.qualname`: the same in every process running the code."""
    module = getattr(handler, "__module__", None) or "unknown"
    qualname = getattr(handler, "__qualname__", None) or repr(handler)
    return f"{module}.{qualname}"


async def _call(handler: Handler, transition: Transition) -> str | None:
    """Run one handler; return None, or what went wrong."""
    try:
        result = handler(transition)
        if inspect.isawaitable(result):
            await result
    except Exception as exc:
        logger.exception(
            "Handler %s failed for %s", handler_name(handler), transition.kind
        )
        return redact_text(f"{type(exc).__name__}: {exc}", limit=500)
    return None


def outcome_transitions(
    store: Store, outcome: TicketOutcome, *, connector_id: str
) -> list[Transition]:
    """Return the transitions an outcome reports, rebuilt from the store.

    `TicketOutcome` names the kinds only. Each is rebuilt from the stored
    ticket (and its survey or customer) with the planner's own functions, so
    its idempotency key is the one the ledger holds for the Brevo event.

    NOTE: if the ticket changed again between processing and this read, the
    rebuilt transition carries the newer state. The engine could report the
    transitions themselves and make this exact.
    """
    if not outcome.transitions:
        return []
    with store.transaction(connector_id, read_only=True) as tx:
        return _rebuild(tx, outcome)


def _rebuild(tx: Tx, outcome: TicketOutcome) -> list[Transition]:
    ticket = get_ticket(tx, outcome.ticket_id)
    if ticket is None:
        return []
    found: list[Transition] = []
    for kind in dict.fromkeys(outcome.transitions):
        if kind == "ticket.created":
            found += ticket_transitions(None, ticket)
        elif kind == "ticket.closed":
            found += ticket_transitions(replace(ticket, status="open"), ticket)
        elif kind == "ticket.reopened":
            found += ticket_transitions(replace(ticket, status="closed"), ticket)
        elif kind.startswith("satisfaction_survey.") and ticket.customer_id:
            for survey in customer_surveys(tx, ticket.customer_id):
                if survey.ticket_id == ticket.id:
                    found += [
                        replace(t, customer_id=ticket.customer_id)
                        for t in survey_transitions(None, survey)
                    ]
        elif kind == "customer.created" and ticket.customer_id:
            customer = get_customer(tx, ticket.customer_id)
            if customer is not None:
                found += customer_transitions(None, customer)
    reported = set(outcome.transitions)
    unique = {t.idempotency_key: t for t in found if t.kind in reported}
    return list(unique.values())
