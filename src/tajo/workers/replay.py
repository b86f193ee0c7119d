"""Queue a ticket for the workers without a call from Gorgias."""

from __future__ import annotations

from tajo.store import Store, add_delivery

REPLAY_HEADER = "x-tajo-replay"


def requeue_ticket(
    store: Store, ticket_id: int, *, connector_id: str = "gorgias"
) -> int:
    """Queue a ticket for the workers as if Gorgias had called; return the row id.

    The worker re-fetches the ticket, so an empty delivery is enough. The
    idempotency keys make this safe even if the ticket was processed since.
    """
    with store.transaction(connector_id) as tx:
        return add_delivery(
            tx,
            b"",
            headers={REPLAY_HEADER: "1"},
            content_type=None,
            query_string=f"ticket_id={ticket_id}",
            ticket_id=ticket_id,
        )
