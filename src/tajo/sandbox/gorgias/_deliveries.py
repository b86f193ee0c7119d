"""Background delivery of HTTP integration requests, with retries.

A worker thread sends each request with httpx on the real clock. It retries
a request a few times on a connection error or a non-2xx response. Each
outcome is reported, so the sandbox can deactivate an integration after too
many consecutive failures, as Gorgias does. The simulator only delivers to
loopback hosts; any other URL is recorded as a failed delivery, unsent.
"""

from __future__ import annotations

import ipaddress
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger(__name__)

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(slots=True)
class Delivery:
    """One outbound request of an HTTP integration, and what became of it."""

    id: int
    integration_id: int
    trigger: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    state: str = "pending"  # pending, delivered or failed
    status: int | None = None  # HTTP status of the last attempt
    attempts: int = 0
    error: str | None = None
    statuses: list[int | None] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready view (the body as text)."""
        return {
            "id": self.id,
            "integration_id": self.integration_id,
            "trigger": self.trigger,
            "method": self.method,
            "url": self.url,
            "headers": dict(self.headers),
            "body": self.body.decode("utf-8", errors="replace"),
            "state": self.state,
            "status": self.status,
            "attempts": self.attempts,
            "error": self.error,
        }


def is_loopback_url(url: str) -> bool:
    """Tell whether `url` is http(s) to a loopback address or localhost."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return False
    if parsed.scheme not in ("http", "https"):
        return False
    host = parsed.host.lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


Outcome = Callable[[Delivery, bool], bool]


class DeliveryWorker:
    """Send deliveries from a queue on one daemon thread."""

    def __init__(
        self,
        on_attempt: Outcome,
        *,
        max_attempts: int,
        retry_delay: float,
        timeout: float,
    ) -> None:
        self._on_attempt = on_attempt
        self._max_attempts = max(1, max_attempts)
        self._retry_delay = max(0.0, retry_delay)
        self._timeout = timeout
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, delivery: Delivery) -> None:
        """Queue a delivery; the worker thread starts on first use."""
        with self._idle:
            if self._closed:
                raise RuntimeError("delivery worker is closed; create a new sandbox")
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="gorgias-sandbox-deliveries", daemon=True
                )
                self._thread.start()
        self._queue.put(delivery)

    def wait(self, timeout: float) -> bool:
        """Block until every queued delivery is finished; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self) -> None:
        """Stop the worker thread after the deliveries already queued."""
        with self._idle:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout, trust_env=False) as client:
            while True:
                delivery = self._queue.get()
                if delivery is None:
                    return
                try:
                    self._deliver(client, delivery)
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        if not is_loopback_url(delivery.url):
            delivery.state = "failed"
            delivery.error = "the sandbox delivers only to loopback hosts"
            return
        for attempt in range(1, self._max_attempts + 1):
            delivery.attempts = attempt
            ok = self._attempt(client, delivery)
            keep_going = self._on_attempt(delivery, ok)
            if ok:
                delivery.state = "delivered"
                return
            if not keep_going or attempt == self._max_attempts:
                break
            time.sleep(self._retry_delay * attempt)
        delivery.state = "failed"

    def _attempt(self, client: httpx.Client, delivery: Delivery) -> bool:
        try:
            response = client.request(
                delivery.method,
                delivery.url,
                headers=delivery.headers,
                content=delivery.body,
            )
        except httpx.HTTPError as exc:
            delivery.status = None
            delivery.error = f"{type(exc).__name__}: {exc}"
            delivery.statuses.append(None)
            logger.info(
                "HTTP integration delivery failed: delivery_id=%s integration_id=%s "
                "attempt=%s error=%s",
                delivery.id,
                delivery.integration_id,
                delivery.attempts,
                type(exc).__name__,
            )
            return False
        delivery.status = response.status_code
        delivery.statuses.append(response.status_code)
        if response.is_success:
            delivery.error = None
            return True
        delivery.error = f"HTTP {response.status_code}"
        return False
