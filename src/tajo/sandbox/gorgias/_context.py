"""Services shared by every mutation: the store, the time, events and triggers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tajo.sandbox.gorgias._store import Obj, Store
from tajo.sandbox.gorgias._time import stamp

# (trigger, ticket, event, message or None) -> None
FireTrigger = Callable[[str, Obj, Obj, Obj | None], None]


@dataclass(frozen=True, slots=True)
class MutationContext:
    """Shared services for the mutation modules."""

    store: Store
    now: Callable[[], datetime]
    owner_id: Callable[[], int | None]
    fire: FireTrigger

    def stamp(self) -> str:
        """Return the current time as a Gorgias datetime string."""
        return stamp(self.now)

    def record_event(
        self,
        event_type: str,
        object_type: str,
        object_id: int,
        *,
        user_id: int | None,
        context: str,
        data: Obj | None = None,
    ) -> Obj:
        """Append an event to `/api/events` and return it.

        `context` is the uuid that groups the events of one action, such as
        ticket-updated and ticket-closed for one close.
        """
        event_id = self.store.next_id("events")
        event: Obj = {
            "id": event_id,
            "context": context,
            "created_datetime": self.stamp(),
            "data": data,
            "object_id": object_id,
            "object_type": object_type,
            "type": event_type,
            "uri": f"/api/events/{event_id}/",
            "user_id": user_id,
        }
        self.store.put("events", event)
        return event


def new_context_id() -> str:
    """Return a fresh uuid grouping the events of one action."""
    return str(uuid.uuid4())
