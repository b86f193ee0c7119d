"""`Tajo`: the library's entry point, one client per `tajo.yaml`.

    client = Tajo("tajo.yaml")

    @client.connectors.on("gorgias", "ticket.closed")
    async def thank(transition): ...

    await client.connectors.sync("gorgias", mode="incremental")
    app = client.asgi_app()  # mount it in your ASGI server

The client opens the store, the API clients and the sync engine on first use
and keeps them until `aclose()` (or the end of `async with`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from starlette.applications import Starlette

from tajo.api.campaigns import Campaigns
from tajo.api.connectors import Connectors
from tajo.api.handlers import Handlers, outcome_transitions
from tajo.brevo import BrevoClient
from tajo.clock import Clock, SystemClock
from tajo.config import TajoConfig, load_config
from tajo.credentials import KeyRing
from tajo.errors import ConfigError
from tajo.store import Store
from tajo.sync import SyncEngine, TicketOutcome
from tajo.webhooks.app import create_webhook_app
from tajo.workers.engines import EngineFactory, brevo_client
from tajo.workers.runner import run_worker


class Tajo:
    """A client for one `tajo.yaml`: connectors, campaigns and the webhook app.

    Args:
        config: a loaded configuration, or the path of a `tajo.yaml`.
        store: an open store; by default the one `state.database_url` names
            is opened on first use and closed by `aclose()`.
        clock: time source; tests pass a FakeClock.
        environ: where `${VAR}` references in the file are looked up.
        keyring: the encryption keys for stored credentials; by default
            `$TAJO_ENCRYPTION_KEY` or the key file in the data directory.

    Raises:
        ConfigError: the file is missing or invalid.
    """

    def __init__(
        self,
        config: TajoConfig | str | os.PathLike[str],
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        environ: Mapping[str, str] | None = None,
        keyring: KeyRing | None = None,
        connector_id: str = "gorgias",
    ) -> None:
        if isinstance(config, TajoConfig):
            self.config = config
        else:
            self.config = load_config(Path(config), environ=environ)
        self.clock: Clock = clock or SystemClock()
        self.connector_id = connector_id
        self._keyring = keyring
        self._store = store
        self._owns_store = store is None
        self._exits = contextlib.AsyncExitStack()
        self._engine: SyncEngine | None = None
        self._brevo: BrevoClient | None = None
        self._wake: asyncio.Event | None = None
        self.handlers = Handlers()
        self.connectors = Connectors(self)
        self.campaigns = Campaigns(self)

    @property
    def store(self) -> Store:
        """The state store, opened (and migrated) on first use."""
        if self._store is None:
            self._store = Store.open(self.config.state.database_url, clock=self.clock)
        return self._store

    @property
    def keyring(self) -> KeyRing | None:
        """The encryption keys given to the constructor, if any."""
        return self._keyring

    async def engine(self) -> SyncEngine:
        """Return the sync engine, opening it and its API clients once."""
        if self._engine is None:
            factory = self._factory()
            self._engine = await self._exits.enter_async_context(factory())
        return self._engine

    async def brevo(self) -> BrevoClient:
        """Return the Brevo client, opened once."""
        if self._brevo is None:
            client = brevo_client(self.config, clock=self.clock)
            self._brevo = await self._exits.enter_async_context(client)
        return self._brevo

    def asgi_app(self) -> Starlette:
        """Return the webhook receiver, to mount in your own ASGI server.

        It serves `POST /webhooks/gorgias` (plus `/healthz`, `/readyz` and
        `/metrics`) and only writes deliveries to the inbox: run
        `run_worker` (here or in another process) to process them.

        Raises:
            ConfigError: `connectors.gorgias.webhook` is missing.
        """
        webhook = self.config.gorgias.webhook
        if webhook is None:
            raise ConfigError(
                "webhook receiver not configured: connectors.gorgias.webhook is "
                "missing; expected {secret: ${TAJO_WEBHOOK_SECRET}}; add it to "
                "tajo.yaml"
            )
        return create_webhook_app(
            store=self.store,
            config=webhook,
            connector_id=self.connector_id,
            clock=self.clock,
            on_accepted=self._accepted,
        )

    async def run_worker(
        self, stop: asyncio.Event, *, poll_interval: float = 1.0
    ) -> None:
        """Process the inbox and the outbox until `stop` is set.

        Registered handlers run for each change it processes. A receiver
        from `asgi_app()` in the same event loop wakes it at once.
        """
        self._wake = asyncio.Event()
        try:
            await run_worker(
                store=self.store,
                engine_factory=self._factory(),
                clock=self.clock,
                stop=stop,
                poll_interval=poll_interval,
                connector_id=self.connector_id,
                wake=self._wake,
                on_outcome=self.dispatch,
            )
        finally:
            self._wake = None

    async def dispatch(self, outcome: TicketOutcome) -> int:
        """Run the handlers of an outcome's transitions; return how many ran."""
        if not self.handlers or not set(outcome.transitions) & self.handlers.kinds():
            return 0
        transitions = outcome_transitions(
            self.store, outcome, connector_id=self.connector_id
        )
        return await self.handlers.dispatch(
            self.store, transitions, connector_id=self.connector_id
        )

    async def aclose(self) -> None:
        """Close the API clients, and the store if this client opened it."""
        await self._exits.aclose()
        self._engine = None
        self._brevo = None
        if self._owns_store and self._store is not None:
            self._store.close()
            self._store = None

    async def __aenter__(self) -> Tajo:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _factory(self) -> EngineFactory:
        return EngineFactory(
            self.config,
            self.store,
            clock=self.clock,
            connector_id=self.connector_id,
            keyring=self._keyring,
        )

    def _accepted(self, _ticket_id: int) -> None:
        if self._wake is not None:
            self._wake.set()
