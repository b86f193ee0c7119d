"""`client.connectors`: connect, sync, status, handle_event and handlers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from tajo.api.handlers import HandlerT, check_connector
from tajo.api.status import ConnectorStatus, connector_status
from tajo.credentials import StoredConnection, save_connection
from tajo.errors import ConfigError
from tajo.gorgias import parse_subdomain
from tajo.redact import Secret
from tajo.sync import SyncMode, SyncReport, TicketOutcome
from tajo.webhooks.auth import SecretCheck
from tajo.webhooks.body import read_limited
from tajo.webhooks.payload import (
    JSON_TYPE,
    DeliveryHints,
    DeliveryRejected,
    read_delivery,
)

if TYPE_CHECKING:
    from tajo.api.client import Tajo

Payload = Mapping[str, Any] | bytes | str | Request
"""A webhook delivery: its parsed body, its raw body, or the request itself."""


class Connectors:
    """The helpdesk connectors of a `Tajo` client; Gorgias is the only one."""

    def __init__(self, client: Tajo) -> None:
        self._client = client

    def connect(
        self,
        name: str,
        *,
        domain: str,
        api_key: str | Secret,
        email: str | None = None,
        base_url: str | None = None,
    ) -> StoredConnection:
        """Store the Gorgias account's credentials, encrypted, for later runs.

        Raises:
            ConfigError: unknown connector, or a domain other than tajo.yaml's.
            CredentialsError: no usable encryption key.
        """
        check_connector(name)
        client = self._client
        if parse_subdomain(domain) != client.config.gorgias.subdomain:
            raise ConfigError(
                f"Gorgias domain mismatch: domain={domain}; tajo.yaml domain="
                f"{client.config.gorgias.domain}; expected the same account; fix "
                "connectors.gorgias.domain or the domain passed to connect()"
            )
        key = api_key if isinstance(api_key, Secret) else Secret(api_key)
        return save_connection(
            client.store,
            client.connector_id,
            domain=domain,
            api_key=key,
            email=email,
            base_url=base_url,
            keyring=client.keyring,
        )

    async def sync(
        self,
        name: str,
        *,
        mode: SyncMode = "incremental",
        resources: Sequence[str] | None = None,
        since: datetime | None = None,
        dry_run: bool = False,
    ) -> SyncReport:
        """Run one sync (see `SyncEngine.run`) and return its report.

        Raises:
            ConfigError: unknown connector, mode or resource.
            LeaseHeldError: another process is syncing this connector.
        """
        check_connector(name)
        engine = await self._client.engine()
        return await engine.run(
            mode=mode, resources=resources, since=since, dry_run=dry_run
        )

    def status(self, name: str) -> ConnectorStatus:
        """Return what the store holds: counts, queues, failures, last sync."""
        check_connector(name)
        client = self._client
        return connector_status(
            client.store, client.config, connector_id=client.connector_id
        )

    async def handle_event(self, name: str, payload: Payload) -> TicketOutcome:
        """Process one Gorgias delivery now, then run the matching handlers.

        `payload` is the body as a mapping, bytes or text (JSON), or the
        Starlette request itself, whose shared secret is then checked as the
        receiver does. Only the ticket id is read from it: the ticket is
        fetched again, so a stale payload cannot move state backwards.

        Raises:
            DeliveryRejected: the request lacks the secret (401), or the body
                names no ticket (4xx, as the receiver would respond).
        """
        check_connector(name)
        hints = await self._read(payload)
        client = self._client
        engine = await client.engine()
        outcome = await engine.process_ticket_change(hints.ticket_id, source="library")
        await client.dispatch(outcome)
        return outcome

    def on(self, name: str, kind: str) -> Callable[[HandlerT], HandlerT]:
        """Register a handler for a transition kind, such as `ticket.closed`.

        The handler gets the `Transition` once its Brevo effects are queued,
        at most once per transition, from `handle_event` and from workers
        started with `client.run_worker`.

        Raises:
            ConfigError: unknown connector or transition kind.
        """
        check_connector(name)
        return self._client.handlers.on(kind)

    async def _read(self, payload: Payload) -> DeliveryHints:
        if isinstance(payload, Request):
            return await self._read_request(payload)
        if isinstance(payload, Mapping):
            return read_delivery(json.dumps(dict(payload)).encode(), JSON_TYPE, {})
        body = payload.encode() if isinstance(payload, str) else payload
        return read_delivery(body, JSON_TYPE, {})

    async def _read_request(self, request: Request) -> DeliveryHints:
        webhook = self._client.config.gorgias.webhook
        if webhook is None:
            raise ConfigError(
                "webhook secret not configured: connectors.gorgias.webhook is "
                "missing; expected {secret: ...} so requests can be checked; add "
                "it, or pass the parsed body instead of the request"
            )
        check = SecretCheck(webhook.secret, header_name=webhook.secret_header)
        if not check.authorized(request.headers, request.query_params):
            raise DeliveryRejected(
                401,
                "unauthorized",
                "webhook request without the shared secret: expected the "
                f"{webhook.secret_header} header or ?token=; check the Gorgias "
                "HTTP integration",
            )
        body = await read_limited(request, webhook.max_body_bytes)
        return read_delivery(
            body, request.headers.get("content-type"), request.query_params
        )
