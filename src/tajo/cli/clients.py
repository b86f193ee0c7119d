"""Build the Gorgias and Brevo clients from the configuration and stored keys.

The Gorgias API key comes from `connectors.gorgias.api_key` when the
configuration sets it (usually `${GORGIAS_API_KEY}`), else from the
connection that `tajo connectors install` stored encrypted (read with
`tajo.workers.gorgias_account`, as the service does). The Brevo key comes
from `brevo.api_key`.
"""

from __future__ import annotations

from tajo.brevo import BrevoClient, BrevoRateLimits
from tajo.brevo.imports import DEFAULT_POLL_SECONDS
from tajo.brevo.session import DEFAULT_BASE_URL
from tajo.cli.runtime import CONNECTOR_ID, Runtime
from tajo.clock import Clock
from tajo.config import TajoConfig
from tajo.errors import ConfigError, CredentialsError
from tajo.gorgias import GorgiasClient, parse_subdomain
from tajo.store import Store, get_connection
from tajo.workers import GorgiasAccount, gorgias_account


def gorgias_access(
    runtime: Runtime, config: TajoConfig, store: Store
) -> GorgiasAccount:
    """Return the Gorgias account's address and credentials.

    Raises:
        CredentialsError: no key in the configuration and none stored, or the
            stored one cannot be decrypted.
        ConfigError: the stored connection is for another domain than
            tajo.yaml, or no account email is known.
    """
    gorgias = config.gorgias
    keyring = None
    if gorgias.api_key is None:
        with store.transaction(CONNECTOR_ID, read_only=True) as tx:
            row = get_connection(tx)
        if row is None:
            raise CredentialsError(
                f"no Gorgias API key: connector={CONNECTOR_ID}; expected a stored "
                "connection or connectors.gorgias.api_key in tajo.yaml; run `tajo "
                "connectors install gorgias --domain yourstore.gorgias.com` first"
            )
        if parse_subdomain(row.domain) != gorgias.subdomain:
            raise ConfigError(
                f"Gorgias domain mismatch: tajo.yaml domain={gorgias.domain}, "
                f"installed domain={row.domain}; expected the same account; "
                "install the connection again for the account in tajo.yaml, or "
                "fix its domain"
            )
        keyring = runtime.keyring(create=False)
    return gorgias_account(config, store, connector_id=CONNECTOR_ID, keyring=keyring)


def build_gorgias_client(
    access: GorgiasAccount,
    config: TajoConfig | None,
    *,
    clock: Clock,
    page_size: int = 100,
) -> GorgiasClient:
    """Return a paced Gorgias client for `access`.

    Raises:
        ConfigError: the domain, base URL, email or key is invalid; nothing
            is sent before these checks pass.
    """
    gorgias = config.gorgias if config is not None else None
    return GorgiasClient(
        access.domain,
        access.email,
        access.api_key,
        base_url=access.base_url,
        clock=clock,
        requests_per_window=gorgias.rate_limit.requests if gorgias else 40,
        window_seconds=gorgias.rate_limit.window_seconds if gorgias else 20.0,
        page_size=page_size,
        log_api_calls=bool(gorgias and (gorgias.log_api_calls or gorgias.debug)),
    )


def build_brevo_client(
    config: TajoConfig, *, clock: Clock, import_poll_seconds: float | None = None
) -> BrevoClient:
    """Return a paced Brevo client for `config.brevo`.

    `import_poll_seconds` shortens the wait between import status polls,
    for simulators that finish imports at once.

    Raises:
        ConfigError: `brevo.api_key` is not set, or the base URL is unsafe.
    """
    brevo = config.brevo
    if brevo.api_key is None or not brevo.api_key.reveal().strip():
        raise ConfigError(
            "missing Brevo API key: brevo.api_key is not set; expected a Brevo v3 "
            "API key; add `brevo: {api_key: ${BREVO_API_KEY}}` to tajo.yaml and "
            "export BREVO_API_KEY (Brevo > SMTP & API > API keys)"
        )
    limits = brevo.rate_limits
    return BrevoClient(
        brevo.api_key,
        base_url=brevo.base_url or DEFAULT_BASE_URL,
        clock=clock,
        rate_limits=BrevoRateLimits(
            contacts_per_second=limits.contacts_per_second,
            events_per_second=limits.events_per_second,
            other_per_hour=limits.other_per_hour,
        ),
        import_poll_seconds=(
            DEFAULT_POLL_SECONDS if import_poll_seconds is None else import_poll_seconds
        ),
    )
