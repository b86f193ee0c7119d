"""Timeline events: transitions named by `event_mapping`, filtered by history.

Installing tajo on an account with years of tickets must not flood Brevo
timelines (and the workflows they start) with old activity. Events are sent
only for transitions inside the backfill window: `sync.event_backfill_days`
before the first sync began. Older transitions are returned apart, so a run
can count them and `--dry-run` can show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tajo.brevo.models import BrevoEvent
from tajo.brevo.values import Identity
from tajo.config import GorgiasConfig
from tajo.mapping.identity import primary_identifiers
from tajo.mapping.transitions import Transition


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """A Brevo event to send once, guarded by the transition's idempotency key."""

    transition: Transition
    event: BrevoEvent

    @property
    def idempotency_key(self) -> str:
        """The key of the transition, recorded in the event ledger."""
        return self.transition.idempotency_key


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPlans:
    """Events to send, and the transitions left out with the reason."""

    events: tuple[PlannedEvent, ...]
    # Older than the backfill window: returned so a run can count them, never sent.
    historical: tuple[Transition, ...] = ()
    # Kinds that `event_mapping` does not name (or names as null).
    unmapped: tuple[Transition, ...] = ()
    # The contact has no identifier, so Brevo could not place the event.
    unaddressed: tuple[Transition, ...] = ()


def history_cutoff(
    config: GorgiasConfig, now: datetime, *, first_sync_at: datetime | None = None
) -> datetime:
    """Return the instant before which transitions are history.

    The window is anchored at the start of the first sync, not at `now`, so a
    later run sends every new transition even with a window of 0 days.
    """
    anchor = first_sync_at or now
    return anchor - timedelta(days=config.sync.event_backfill_days)


def plan_events(
    transitions: Iterable[Transition],
    identity: Identity,
    config: GorgiasConfig,
    *,
    now: datetime,
    first_sync_at: datetime | None = None,
) -> EventPlans:
    """Turn transitions into Brevo events for one contact.

    `first_sync_at` is when the connector's first sync began. During the first
    sync itself, pass None and `now` anchors the window. Each event carries the
    Gorgias time as `event_date` and the one identifier from
    `primary_identifiers`.
    """
    cutoff = history_cutoff(config, now, first_sync_at=first_sync_at)
    identifiers = primary_identifiers(identity)
    events: list[PlannedEvent] = []
    historical: list[Transition] = []
    unmapped: list[Transition] = []
    unaddressed: list[Transition] = []
    for transition in transitions:
        name = config.event_name(transition.kind)
        if name is None:
            unmapped.append(transition)
        elif transition.occurred_at < cutoff:
            historical.append(transition)
        elif not identifiers:
            unaddressed.append(transition)
        else:
            event = BrevoEvent(
                name=name,
                identifiers=identifiers,
                occurred_at=transition.occurred_at,
                event_properties=dict(transition.properties),
            )
            events.append(PlannedEvent(transition, event))
    return EventPlans(
        events=tuple(events),
        historical=tuple(historical),
        unmapped=tuple(unmapped),
        unaddressed=tuple(unaddressed),
    )
