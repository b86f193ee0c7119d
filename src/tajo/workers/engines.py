"""Open sync engines from `tajo.yaml`: the store, the API clients and the keys.

The Gorgias API key comes from `connectors.gorgias.api_key` when set, else
from the connection `tajo connectors install` stored encrypted. Engines made
by one factory share one Gorgias rate limiter, because the request budget
belongs to the account, not to a client.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tajo.brevo import BrevoClient, BrevoRateLimits
from tajo.brevo.session import DEFAULT_BASE_URL
from tajo.clock import Clock
from tajo.config import TajoConfig
from tajo.credentials import KeyRing, load_connection
from tajo.errors import ConfigError, CredentialsError
from tajo.gorgias import GorgiasClient
from tajo.http import SlidingWindowLimiter
from tajo.redact import Secret
from tajo.store import Store, get_connection
from tajo.sync import SyncEngine


@dataclass(frozen=True, slots=True)
class GorgiasAccount:
    """The Gorgias account's address and API key (masked)."""

    domain: str
    email: str
    api_key: Secret
    base_url: str | None


def gorgias_account(
    config: TajoConfig,
    store: Store,
    *,
    connector_id: str = "gorgias",
    keyring: KeyRing | None = None,
) -> GorgiasAccount:
    """Return the account's domain, email and key from the config or the store.

    Raises:
        CredentialsError: no key in the configuration and none stored, or the
            stored one cannot be decrypted.
        ConfigError: no account email is known.
    """
    gorgias = config.gorgias
    if gorgias.api_key is not None:
        with store.transaction(connector_id, read_only=True) as tx:
            row = get_connection(tx)
        return GorgiasAccount(
            domain=gorgias.domain,
            email=_email(gorgias.email or (row.email if row else None)),
            api_key=gorgias.api_key,
            base_url=gorgias.base_url or (row.base_url if row else None),
        )
    try:
        stored = load_connection(
            store, connector_id, keyring=keyring or KeyRing.load(create=False)
        )
    except CredentialsError as exc:
        raise CredentialsError(
            f"no Gorgias API key: connector={connector_id}; {exc}; set "
            "connectors.gorgias.api_key or run `tajo connectors install gorgias`"
        ) from exc
    return GorgiasAccount(
        domain=stored.domain,
        email=_email(gorgias.email or stored.email),
        api_key=stored.api_key,
        base_url=gorgias.base_url or stored.base_url,
    )


def _email(email: str | None) -> str:
    if not email:
        raise ConfigError(
            "missing Gorgias account email: connectors.gorgias.email is empty and "
            "none is stored; expected the email of the user who owns the API key; "
            "set connectors.gorgias.email"
        )
    return email


def brevo_key(config: TajoConfig) -> Secret:
    """Return the Brevo API key of `config`.

    Raises:
        ConfigError: `brevo.api_key` is not set.
    """
    key = config.brevo.api_key
    if key is None or not key.reveal().strip():
        raise ConfigError(
            "missing Brevo API key: brevo.api_key is not set; expected a Brevo "
            "v3 API key; add `brevo: {api_key: ${BREVO_API_KEY}}` to tajo.yaml"
        )
    return key


def brevo_client(config: TajoConfig, *, clock: Clock) -> BrevoClient:
    """Return a client for the Brevo account of `config`, paced to its plan.

    Raises:
        ConfigError: `brevo.api_key` is not set, or the base URL is unsafe.
    """
    brevo = config.brevo
    limits = brevo.rate_limits
    return BrevoClient(
        brevo_key(config),
        base_url=brevo.base_url or DEFAULT_BASE_URL,
        clock=clock,
        rate_limits=BrevoRateLimits(
            contacts_per_second=limits.contacts_per_second,
            events_per_second=limits.events_per_second,
            other_per_hour=limits.other_per_hour,
        ),
    )


class EngineFactory:
    """Open `SyncEngine`s for one account, each with its own HTTP clients.

    Call the factory to get an async context manager; the clients close when
    it exits. Every engine shares the factory's Gorgias limiter.
    """

    def __init__(
        self,
        config: TajoConfig,
        store: Store,
        *,
        clock: Clock,
        connector_id: str = "gorgias",
        keyring: KeyRing | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.connector_id = connector_id
        self.account = gorgias_account(
            config, store, connector_id=connector_id, keyring=keyring
        )
        # Checked here, so a missing Brevo key fails before any work.
        brevo_key(config)
        limit = config.gorgias.rate_limit
        self.limiter = SlidingWindowLimiter(
            limit.requests, limit.window_seconds, clock=clock, name="gorgias"
        )

    def __call__(self) -> contextlib.AbstractAsyncContextManager[SyncEngine]:
        return self._open()

    @contextlib.asynccontextmanager
    async def _open(self) -> AsyncIterator[SyncEngine]:
        config = self.config
        gorgias_settings = config.gorgias
        gorgias = GorgiasClient(
            self.account.domain,
            self.account.email,
            self.account.api_key,
            base_url=self.account.base_url,
            clock=self.clock,
            limiter=self.limiter,
            log_api_calls=gorgias_settings.log_api_calls or gorgias_settings.debug,
        )
        brevo = brevo_client(config, clock=self.clock)
        async with gorgias, brevo:
            yield SyncEngine(
                config=config,
                store=self.store,
                gorgias=gorgias,
                brevo=brevo,
                clock=self.clock,
                connector_id=self.connector_id,
            )
