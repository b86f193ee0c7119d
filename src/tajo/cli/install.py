"""Installing, rotating and removing the stored Gorgias connection.

Each step that takes a new API key checks it first with one cheap request
(`GET /api/account`), so a typo is caught before anything is stored.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

import typer

from tajo.cli.clients import build_gorgias_client
from tajo.cli.output import Consoles, display_database
from tajo.cli.runtime import CONNECTOR_ID, Runtime
from tajo.clock import SystemClock
from tajo.config import TajoConfig
from tajo.credentials import (
    KeyRotation,
    StoredConnection,
    delete_connection,
    load_connection,
    rotate_api_key,
    rotate_encryption_key,
    save_connection,
)
from tajo.errors import ConfigError
from tajo.gorgias import Account, parse_subdomain
from tajo.redact import Secret
from tajo.workers import GorgiasAccount

FULL_ACCESS_WARNING = (
    "a Gorgias API key has full access to the account: it can read and change "
    "every ticket, customer and setting. tajo stores it encrypted and sends it "
    "only to your account's API; keep it out of shell history (omit "
    "--api-key to be prompted) and rotate it with `tajo connectors rotate-key "
    "gorgias`."
)


@dataclass(frozen=True, slots=True)
class InstallRequest:
    """The domain, email, key and base URL that `connectors install` stores."""

    domain: str
    email: str
    api_key: Secret
    base_url: str | None


def read_api_key(value: str | None, *, label: str) -> Secret:
    """Return the API key given on the command line, or read it without echo.

    `None` (option omitted) and `-` read the key: from a hidden prompt on a
    terminal, else one line from standard input, so the key stays out of the
    shell history and the process list.

    Raises:
        ConfigError: the key read is empty.
    """
    if value is not None and value != "-":
        text = value
    elif sys.stdin is not None and sys.stdin.isatty():
        text = typer.prompt(label, hide_input=True)
    else:
        text = sys.stdin.readline() if sys.stdin is not None else ""
    text = text.strip()
    if not text:
        raise ConfigError(
            "missing API key: none was given or read from standard input; "
            "expected the key from Settings > REST API in Gorgias; pass "
            "--api-key, set GORGIAS_API_KEY, or type it at the prompt"
        )
    return Secret(text)


def prompt_email() -> str:
    """Ask for the Gorgias account email on a terminal.

    Without a terminal there is no prompt: the first line of standard input
    is usually the piped API key, which must not be read as the email.

    Raises:
        ConfigError: standard input is not a terminal.
    """
    if sys.stdin is None or not sys.stdin.isatty():
        raise ConfigError(
            "missing Gorgias email; pass --email, set GORGIAS_EMAIL or "
            "connectors.gorgias.email"
        )
    return str(typer.prompt("Email of the Gorgias user who owns the key"))


def resolve_request(
    config: TajoConfig | None,
    *,
    domain: str | None,
    email: str | None,
    api_key: str | None,
    base_url: str | None,
) -> InstallRequest:
    """Combine the options with tajo.yaml and read the key; no request is sent.

    The domain is validated before the key is read, so a hostile or mistyped
    domain never gets a key sent to it.

    Raises:
        ConfigError: the domain is missing or not one label under gorgias.com,
            or no email is given and standard input is not a terminal.
    """
    gorgias = config.gorgias if config is not None else None
    chosen = domain or (gorgias.domain if gorgias else None)
    if not chosen:
        raise ConfigError(
            "missing Gorgias domain: --domain was not given and tajo.yaml has "
            "none; expected yourstore.gorgias.com; pass --domain"
        )
    subdomain = parse_subdomain(chosen)
    account_email = email or (gorgias.email if gorgias else None)
    if not account_email:
        account_email = prompt_email()
    return InstallRequest(
        domain=f"{subdomain}.gorgias.com",
        email=account_email.strip(),
        api_key=read_api_key(api_key, label="Gorgias API key"),
        base_url=base_url or (gorgias.base_url if gorgias else None),
    )


async def check_credentials(
    access: GorgiasAccount, config: TajoConfig | None
) -> Account:
    """Send `GET /api/account` once and return the account.

    Raises:
        AuthenticationError: wrong email or key (see Settings > REST API).
        NotFoundError: wrong subdomain or base URL.
    """
    client = build_gorgias_client(access, config, clock=SystemClock(), page_size=1)
    async with client:
        return await client.get_account()


def install(
    runtime: Runtime, config: TajoConfig | None, request: InstallRequest
) -> StoredConnection:
    """Check the credentials, then store them encrypted.

    Raises:
        ApiError: the check failed; nothing was stored.
        CredentialsError: no usable encryption key.
    """
    access = GorgiasAccount(
        domain=request.domain,
        email=request.email,
        api_key=request.api_key,
        base_url=request.base_url,
    )
    asyncio.run(check_credentials(access, config))
    keyring = runtime.keyring(create=True)
    with runtime.open_store(config) as store:
        return save_connection(
            store,
            CONNECTOR_ID,
            domain=request.domain,
            api_key=request.api_key,
            email=request.email,
            base_url=request.base_url,
            keyring=keyring,
        )


def rotate_key(
    runtime: Runtime, config: TajoConfig | None, new_key: Secret
) -> tuple[str, StoredConnection]:
    """Check `new_key` against the installed account, then store it.

    Returns the old key's fingerprint and the updated connection.

    Raises:
        CredentialsError: nothing is installed, or the stored key is unreadable.
        ApiError: the new key failed the check; the old key stays stored.
    """
    keyring = runtime.keyring(create=False)
    with runtime.open_store(config) as store:
        current = load_connection(store, CONNECTOR_ID, keyring=keyring)
        access = GorgiasAccount(
            domain=current.domain,
            email=current.email or _config_email(config),
            api_key=new_key,
            base_url=current.base_url,
        )
        asyncio.run(check_credentials(access, config))
        updated = rotate_api_key(store, CONNECTOR_ID, new_key, keyring=keyring)
    return current.key_fingerprint, updated


def _config_email(config: TajoConfig | None) -> str:
    email = config.gorgias.email if config is not None else None
    if not email:
        raise ConfigError(
            "missing Gorgias account email: the stored connection has none and "
            "tajo.yaml sets no connectors.gorgias.email; expected the email of the "
            "key's user; install again with --email"
        )
    return email


def rotate_storage_key(runtime: Runtime, config: TajoConfig | None) -> KeyRotation:
    """Re-encrypt every stored API key under a new encryption key.

    Raises:
        CredentialsError: a stored key cannot be decrypted; nothing changed.
    """
    keyring = runtime.keyring(create=False)
    with runtime.open_store(config) as store:
        return rotate_encryption_key(store, keyring=keyring, environ=runtime.environ)


def uninstall(runtime: Runtime, config: TajoConfig | None, *, purge: bool) -> bool:
    """Delete the stored connection, and with `purge` every synced row too."""
    with runtime.open_store(config) as store:
        return delete_connection(store, CONNECTOR_ID, purge=purge)


def print_installed(
    consoles: Consoles,
    connection: StoredConnection,
    *,
    database: str,
    key_file: Path | None,
) -> None:
    """Print the outcome of an install, naming the key only by its fingerprint."""
    consoles.ok(f"Connected to {connection.domain} as {connection.email}")
    keys = f"key file {key_file}" if key_file else "keys from $TAJO_ENCRYPTION_KEY"
    consoles.ok(
        f"API key {connection.key_fingerprint} stored encrypted in "
        f"{display_database(database)} ({keys})"
    )
