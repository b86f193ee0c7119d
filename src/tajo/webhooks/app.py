"""The webhook receiver: an ASGI app that writes Gorgias deliveries to the inbox.

It authenticates a delivery, finds the ticket it names, writes it to the
durable inbox and responds 202 once that write has committed. It never calls
Gorgias or Brevo: the workers do, later. A delivery it rejects gets a 4xx
and, unless it failed authentication, an entry in the failed-record ledger
with the start of its body, so nothing is dropped silently.

Mount it in your own ASGI server like any Starlette app:

    from starlette.applications import Starlette
    from starlette.routing import Mount

    receiver = create_webhook_app(store=store, config=config.gorgias.webhook)
    app = Starlette(routes=[Mount("/tajo", app=receiver)])

Gorgias then posts to https://your.host/tajo/webhooks/gorgias.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tajo.clock import Clock
from tajo.config import WebhookConfig
from tajo.errors import StoreError
from tajo.redact import redact_text
from tajo.store import Store, add_delivery, add_failed_record
from tajo.store.inbox_repo import QueueDepths, ping, queue_depths
from tajo.webhooks.auth import SecretCheck, strip_token
from tajo.webhooks.body import BodyTooLarge, read_limited
from tajo.webhooks.metrics import WebhookMetrics
from tajo.webhooks.payload import DeliveryHints, DeliveryRejected, read_delivery

logger = logging.getLogger(__name__)

DELIVERY_PATH = "/webhooks/gorgias"
# Characters of a rejected body kept in the failed-record ledger.
KEPT_BODY_CHARS = 2000
_TEXT_LIMIT = 200


def create_webhook_app(
    *,
    store: Store,
    config: WebhookConfig,
    connector_id: str = "gorgias",
    clock: Clock | None = None,
    metrics: WebhookMetrics | None = None,
    on_accepted: Callable[[int], None] | None = None,
) -> Starlette:
    """Build the receiver: `POST /webhooks/gorgias`, `/healthz`, `/readyz`, `/metrics`.

    Args:
        store: the state store whose inbox receives the deliveries.
        config: the shared secret, its header name and the body size limit.
        connector_id: the connector the deliveries belong to.
        clock: time source for queue ages; the store's clock when omitted.
        metrics: pass one to share it with in-process workers; each app gets
            its own registry otherwise.
        on_accepted: called with the ticket id once a delivery is committed,
            for example to wake an in-process worker at once.
    """
    receiver = _Receiver(
        store=store,
        config=config,
        connector_id=connector_id,
        clock=clock or store.clock,
        metrics=metrics or WebhookMetrics(),
        on_accepted=on_accepted,
    )
    app = Starlette(
        routes=[
            Route(DELIVERY_PATH, receiver.deliver, methods=["POST"]),
            Route("/healthz", receiver.healthz, methods=["GET"]),
            Route("/readyz", receiver.readyz, methods=["GET"]),
            Route("/metrics", receiver.metrics_page, methods=["GET"]),
        ],
        exception_handlers={StoreError: _store_unavailable},
    )
    app.state.metrics = receiver.metrics
    return app


class _Receiver:
    def __init__(
        self,
        *,
        store: Store,
        config: WebhookConfig,
        connector_id: str,
        clock: Clock,
        metrics: WebhookMetrics,
        on_accepted: Callable[[int], None] | None,
    ) -> None:
        self.store = store
        self.on_accepted = on_accepted
        self.connector_id = connector_id
        self.clock = clock
        self.metrics = metrics
        self.max_body_bytes = config.max_body_bytes
        self.secret = config.secret
        self.check = SecretCheck(config.secret, header_name=config.secret_header)
        # SQLite allows one writer at a time, and a writer that finds the lock
        # taken sleeps in growing steps. Queueing this process's writes on a
        # lock keeps latency flat under concurrent deliveries.
        self._writes: contextlib.AbstractContextManager[object] = (
            threading.Lock() if store.dialect == "sqlite" else contextlib.nullcontext()
        )

    async def deliver(self, request: Request) -> Response:
        started = time.perf_counter()
        if not self.check.authorized(request.headers, request.query_params):
            # Unauthenticated calls stay out of the ledger, or anyone who can
            # reach the URL could fill it.
            logger.warning(
                "Rejected a webhook call without the shared secret: client=%s",
                request.client.host if request.client else "unknown",
            )
            return self._reject(401, "unauthorized")
        content_type = request.headers.get("content-type")
        body = b""
        try:
            body = await read_limited(request, self.max_body_bytes)
            hints = read_delivery(body, content_type, request.query_params)
        except ClientDisconnect:
            logger.info("Gorgias delivery abandoned: the client disconnected")
            return self._reject(400, "client_disconnected")
        except DeliveryRejected as exc:
            head = exc.head if isinstance(exc, BodyTooLarge) else body
            await run_in_threadpool(self._record_rejection, exc, head, request)
            logger.warning(
                "Rejected a Gorgias delivery: status=%d reason=%s; see the "
                "failed-record ledger",
                exc.status,
                exc.reason,
            )
            return self._reject(exc.status, exc.reason)
        delivery_id = await run_in_threadpool(
            self._store_delivery, body, content_type, request, hints
        )
        self.metrics.accepted.inc()
        self.metrics.accept_seconds.observe(time.perf_counter() - started)
        if self.on_accepted is not None:
            self.on_accepted(hints.ticket_id)
        logger.debug(
            "Accepted a Gorgias delivery: delivery_id=%d ticket_id=%d event=%r",
            delivery_id,
            hints.ticket_id,
            hints.event_type,
        )
        return JSONResponse(
            {
                "status": "accepted",
                "delivery_id": delivery_id,
                "ticket_id": hints.ticket_id,
            },
            status_code=202,
        )

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(self, request: Request) -> Response:
        try:
            await run_in_threadpool(self._ping)
        except StoreError as exc:
            logger.warning("Not ready: %s", exc)
            return JSONResponse(
                {"status": "unavailable", "error": "store_unreachable"},
                status_code=503,
            )
        return JSONResponse({"status": "ready"})

    async def metrics_page(self, request: Request) -> Response:
        try:
            depths = await run_in_threadpool(self._depths)
        except StoreError as exc:
            # Serve the counters anyway; the gauges keep their last values.
            logger.warning("Queue depths unavailable for /metrics: %s", exc)
        else:
            self.metrics.set_depths(depths, now=self.clock.now())
        content, media_type = self.metrics.render()
        return Response(content, media_type=media_type)

    def _reject(self, status: int, reason: str) -> Response:
        self.metrics.rejected.labels(reason=reason).inc()
        # The reason only: a rejected body is never echoed back.
        return JSONResponse({"error": reason}, status_code=status)

    def _store_delivery(
        self,
        body: bytes,
        content_type: str | None,
        request: Request,
        hints: DeliveryHints,
    ) -> int:
        with self._writes, self.store.transaction(self.connector_id) as tx:
            return add_delivery(
                tx,
                body,
                headers=self._clean_headers(request.headers),
                content_type=_text(content_type) if content_type else None,
                query_string=strip_token(request.url.query),
                ticket_id=hints.ticket_id,
            )

    def _record_rejection(
        self, exc: DeliveryRejected, head: bytes, request: Request
    ) -> None:
        excerpt = redact_text(
            head.decode("utf-8", errors="replace"),
            [self.secret],
            limit=KEPT_BODY_CHARS,
        )
        payload: dict[str, Any] = {
            "status": exc.status,
            "content_type": _text(request.headers.get("content-type") or ""),
            "content_length": _text(request.headers.get("content-length") or ""),
            "headers": self._clean_headers(request.headers),
            "query": strip_token(request.url.query),
            "body": _text(excerpt, limit=KEPT_BODY_CHARS + 1),
        }
        # Identical rejected bodies share one ledger entry, whose attempts
        # count the repeats. Different bodies get their own entries.
        digest = hashlib.sha256(head).hexdigest()[:16]
        with self._writes, self.store.transaction(self.connector_id) as tx:
            add_failed_record(
                tx,
                "webhook",
                "delivery",
                f"sha256:{digest}",
                reason=exc.reason,
                detail=_text(str(exc), limit=1000),
                payload=payload,
            )

    def _clean_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        cleaned = self.check.clean_headers(headers)
        return {_text(name): _text(value) for name, value in cleaned.items()}

    def _ping(self) -> None:
        with self.store.transaction(self.connector_id, read_only=True) as tx:
            ping(tx)

    def _depths(self) -> QueueDepths:
        with self.store.transaction(self.connector_id, read_only=True) as tx:
            return queue_depths(tx)


async def _store_unavailable(request: Request, exc: Exception) -> Response:
    # 503 makes Gorgias send the delivery again later.
    logger.error("Could not write a Gorgias delivery to the inbox: %s", exc)
    return JSONResponse({"error": "store_unavailable"}, status_code=503)


def _text(value: str, *, limit: int = _TEXT_LIMIT) -> str:
    # PostgreSQL text and JSONB reject NUL characters.
    return value.replace("\x00", "\ufffd")[:limit]
