"""Fire HTTP integrations on ticket changes and track their health.

Gorgias deactivates an HTTP integration after 100 consecutive failed
requests, and any success resets the count. The limit is configurable here
because third-party write-ups report other numbers.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tajo.sandbox.gorgias._context import new_context_id
from tajo.sandbox.gorgias._deliveries import Delivery, DeliveryWorker
from tajo.sandbox.gorgias._integrations import build_request
from tajo.sandbox.gorgias._render import (
    full_ticket_context,
    http_integration_context,
    ticket_body,
)
from tajo.sandbox.gorgias._store import Obj, Store
from tajo.sandbox.gorgias._time import stamp

logger = logging.getLogger(__name__)

CONTEXT_BODIES = frozenset({"ticket_http_integration", "full_ticket"})


class Dispatcher:
    """Build deliveries for triggered integrations and count their failures."""

    def __init__(
        self,
        store: Store,
        now: Callable[[], datetime],
        owner: Callable[[], Obj | None],
        *,
        domain: str,
        context_body: str,
        failure_limit: int,
        attempts: int,
        retry_delay: float,
        timeout: float,
    ) -> None:
        if context_body not in CONTEXT_BODIES:
            raise ValueError(
                f"invalid context_body: context_body={context_body!r}; "
                f"expected one of {sorted(CONTEXT_BODIES)}"
            )
        self._store = store
        self._now = now
        self._owner = owner
        self._domain = domain
        self._context_body = context_body
        self._failure_limit = max(1, failure_limit)
        self._failures: dict[int, int] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self._worker = DeliveryWorker(
            self._on_attempt,
            max_attempts=attempts,
            retry_delay=retry_delay,
            timeout=timeout,
        )

    def fire(self, trigger: str, ticket: Obj, event: Obj, message: Obj | None) -> None:
        """Queue one delivery per active HTTP integration listening to `trigger`."""
        listening = [
            integration
            for integration in self._store["integrations"].values()
            if integration.get("type") == "http"
            and integration.get("deactivated_datetime") is None
            and (integration.get("http") or {}).get("triggers", {}).get(trigger)
        ]
        if not listening:
            return
        flat = http_integration_context(self._store, ticket)
        detail = ticket_body(self._store, ticket, with_messages=True)
        whole = (
            flat
            if self._context_body == "ticket_http_integration"
            else full_ticket_context(self._store, ticket, self._domain)
        )
        template_context: dict[str, Any] = {
            "ticket": detail,
            "event": {
                key: event.get(key)
                for key in (
                    "id",
                    "type",
                    "context",
                    "user_id",
                    "object_id",
                    "object_type",
                    "created_datetime",
                )
            },
            "message": message,
            "current_user": self._owner(),
            "context": flat,
        }
        for integration in listening:
            method, url, headers, body = build_request(
                integration, template_context, whole
            )
            delivery = Delivery(
                id=next(self._ids),
                integration_id=integration["id"],
                trigger=trigger,
                method=method,
                url=url,
                headers=headers,
                body=body,
            )
            with self._lock:
                self.deliveries.append(delivery)
            self._worker.submit(delivery)

    def wait(self, timeout: float) -> bool:
        """Block until queued deliveries are finished; False on timeout."""
        return self._worker.wait(timeout)

    def close(self) -> None:
        """Stop the delivery thread."""
        self._worker.close()

    def reset_failures(self, integration_id: int) -> None:
        """Forget the failure count, as when an integration is reactivated."""
        with self._store.lock:
            self._failures.pop(integration_id, None)

    def _on_attempt(self, delivery: Delivery, ok: bool) -> bool:
        """Count an attempt's outcome; return False to stop retrying."""
        with self._store.lock:
            integration = self._store.get("integrations", delivery.integration_id)
            if ok:
                self._failures.pop(delivery.integration_id, None)
                return True
            count = self._failures.get(delivery.integration_id, 0) + 1
            self._failures[delivery.integration_id] = count
            if (
                integration is None
                or integration.get("deactivated_datetime") is not None
            ):
                return False
            if count < self._failure_limit:
                return True
            now = stamp(self._now)
            integration["deactivated_datetime"] = now
            integration["updated_datetime"] = now
            self._store.touch("integrations")
            event_id = self._store.next_id("events")
            self._store.put(
                "events",
                {
                    "id": event_id,
                    "context": new_context_id(),
                    "created_datetime": now,
                    "data": None,
                    "object_id": integration["id"],
                    "object_type": "Integration",
                    "type": "integration-deactivated",
                    "uri": f"/api/events/{event_id}/",
                    "user_id": None,
                },
            )
            logger.warning(
                "HTTP integration deactivated after %s consecutive failures: "
                "integration_id=%s",
                count,
                integration["id"],
            )
            return False
