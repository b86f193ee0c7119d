"""Per-invocation context of the commands: configuration, store, keys, logging.

A `Runtime` is built once per invocation from the global options and handed
to the commands through Typer's context object. Loading is lazy, so
`tajo sandbox` or `tajo version` never need a `tajo.yaml`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import typer

from tajo.cli.output import Consoles
from tajo.config import TajoConfig, load_config
from tajo.credentials import KEY_FILE_NAME, KeyRing
from tajo.errors import ConfigError
from tajo.store import Store, default_data_dir, default_database_url
from tajo.store.engine import create_sqlite_folder

CONFIG_ENV = "TAJO_CONFIG"
DEFAULT_CONFIG = Path("tajo.yaml")
# The connector id under which the Gorgias account's state is kept.
CONNECTOR_ID = "gorgias"
CONNECTORS = (CONNECTOR_ID,)

_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def resolve_config_path(
    explicit: Path | None, environ: Mapping[str, str] | None = None
) -> tuple[Path, bool]:
    """Return the configuration path and whether the user named it.

    The order is `--config`, then `$TAJO_CONFIG`, then `./tajo.yaml`.
    """
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit, True
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser(), True
    return DEFAULT_CONFIG, False


@dataclass
class Runtime:
    """The state of one invocation: global options and lazily loaded parts.

    `data_dir` replaces the default data directory (the demo points it at a
    temporary folder). It contains the encryption key file and, unless the
    configuration names a database, the state database.
    """

    config_path: Path
    config_named: bool
    consoles: Consoles
    verbose: int = 0
    debug: bool = False
    data_dir: Path | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    # Seconds between Brevo import status polls; None keeps the client's
    # default, which suits the real /processes budget of 100 requests per hour.
    brevo_import_poll_seconds: float | None = None
    _config: TajoConfig | None = None

    def config(self) -> TajoConfig:
        """Return the loaded configuration.

        Raises:
            ConfigError: the file is missing or invalid.
        """
        if self._config is None:
            if not self.config_path.exists():
                raise ConfigError(
                    f"configuration file not found: path={self.config_path}; "
                    "expected a tajo.yaml; create one (see docs/configuration.md), "
                    f"pass --config PATH or set ${CONFIG_ENV}"
                )
            self._config = load_config(self.config_path, environ=self.environ)
            configure_logging(self, self._config)
        return self._config

    def optional_config(self) -> TajoConfig | None:
        """Return the configuration, or None when no file exists and none was named.

        Raises:
            ConfigError: a named file is missing, or a file is invalid.
        """
        if not self.config_named and not self.config_path.exists():
            return None
        return self.config()

    def database_url(self, config: TajoConfig | None) -> str:
        """Return the state database URL: the config's, else the data directory's."""
        if config is not None and config.state.database_url:
            return config.state.database_url
        if self.data_dir is not None:
            return f"sqlite:///{self.data_dir / 'tajo.db'}"
        return default_database_url(self.environ)

    def open_store(self, config: TajoConfig | None) -> Store:
        """Open (and migrate) the state store.

        Raises:
            ConfigError: the URL is invalid, its driver is not installed, or
                the folder of a SQLite file cannot be created.
            StoreError: the database cannot be reached or migrated.
        """
        url = self.database_url(config)
        # Store.open creates the folder too, but would raise a bare OSError.
        create_sqlite_folder(url)
        return Store.open(url)

    def keyring(self, *, create: bool) -> KeyRing:
        """Return the encryption keys for stored credentials.

        Raises:
            CredentialsError: the key file is missing (with `create=False`),
                unreadable or contains an invalid key.
        """
        directory = self.data_dir or default_data_dir(self.environ)
        return KeyRing.load(
            environ=self.environ, key_file=directory / KEY_FILE_NAME, create=create
        )


def runtime_of(ctx: typer.Context) -> Runtime:
    """Return the Runtime that the root callback stored in the context."""
    runtime = ctx.find_root().obj
    if not isinstance(runtime, Runtime):
        raise RuntimeError("tajo CLI context is missing its Runtime")
    return runtime


def configure_logging(runtime: Runtime, config: TajoConfig | None) -> None:
    """Send tajo's log records to stderr at the level the user asked for.

    Interactive commands show warnings only, unless `-v` (info), `-vv` or
    `--debug` (debug) is given, or the configuration turns on debug or a
    verbose log level. Records never carry secrets: the clients redact them.
    """
    level = logging.WARNING
    if runtime.verbose == 1:
        level = logging.INFO
    if runtime.verbose >= 2 or runtime.debug:
        level = logging.DEBUG
    if config is not None and config.gorgias.python_log_level == logging.DEBUG:
        level = logging.DEBUG
    apply_log_level(level)


def apply_log_level(level: int) -> None:
    """Send the `tajo` logger's records to the current stderr at `level`.

    The handler is replaced on each call, because test runners swap
    `sys.stderr` between invocations of the same process.
    """
    logger = logging.getLogger("tajo")
    logger.setLevel(level)
    for handler in list(logger.handlers):
        if getattr(handler, "_tajo_cli", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    handler.setLevel(level)
    handler._tajo_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
