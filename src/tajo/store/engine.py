"""Engines for the two supported backends, configured for safe concurrent use."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import StaticPool

from tajo.errors import ConfigError
from tajo.redact import MASK, SENSITIVE_NAMES, redact_url
from tajo.store.paths import create_private_folder

logger = logging.getLogger(__name__)

# Execution option that makes `transaction(read_only=True)` open a deferred
# SQLite transaction instead of taking the write lock up front.
READ_ONLY_OPTION = "tajo_read_only"


def display_url(url: URL) -> str:
    """Return `url` for messages: password and secret query values masked."""
    masked = {
        name: (MASK if name.lower() in SENSITIVE_NAMES else value)
        for name, value in url.query.items()
    }
    return url.set(query=masked).render_as_string(hide_password=True)


def normalize_url(url: str | URL) -> URL:
    """Return `url` with the psycopg 3 driver named for PostgreSQL.

    Raises:
        ConfigError: the URL names another backend, or cannot be parsed.
    """
    try:
        parsed = make_url(url)
    except Exception:
        shown = redact_url(str(url))
        # `from None`: the parser's own exception may repeat the URL unmasked.
        raise ConfigError(
            f"invalid database URL: url={shown!r}; expected sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB; fix the state database URL"
        ) from None
    backend = parsed.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        # Name the driver even where it is the default: SQLAlchemy 2.0 defaults
        # to psycopg2, which tajo does not install.
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        return parsed
    raise ConfigError(
        f"unsupported database: backend={backend!r}; expected sqlite or "
        "postgresql; use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
    )


def create_store_engine(
    url: str | URL, *, busy_timeout_seconds: float = 30.0, echo: bool = False
) -> Engine:
    """Create an engine for the state store.

    SQLite gets WAL journaling (readers never block the writer), foreign keys,
    and a busy timeout instead of immediate "database is locked" errors. Every
    SQLite write transaction starts with `BEGIN IMMEDIATE`, so two writers queue
    on the lock rather than deadlock when both try to upgrade a read lock.
    PostgreSQL goes through psycopg 3 with connections checked before use.

    Raises:
        ConfigError: the URL is invalid, names an unsupported backend, or
            names PostgreSQL while its driver is not installed.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "postgresql":
        try:
            return create_engine(parsed, pool_pre_ping=True, echo=echo)
        except ImportError as exc:
            # SQLAlchemy imports the driver when it creates the engine.
            raise ConfigError(
                "PostgreSQL support is not installed: pip install 'tajo[postgres]'; "
                f"the state database {display_url(parsed)} needs the "
                f"{parsed.get_driver_name()} driver, and importing it failed "
                f"({exc.__class__.__name__}: {exc})"
            ) from None
    return _create_sqlite_engine(parsed, busy_timeout_seconds, echo=echo)


def create_sqlite_folder(url: str | URL) -> None:
    """Create the folder of a SQLite database file, with mode 0700, if missing.

    Nothing happens for PostgreSQL or an in-memory database.

    Raises:
        ConfigError: the URL is invalid, or the folder cannot be created.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return
    create_private_folder(Path(parsed.database).parent, setting="state.database_url")


def _create_sqlite_engine(
    url: URL, busy_timeout_seconds: float, *, echo: bool
) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = {"echo": echo}
    if in_memory:
        # Each connection to ":memory:" is a separate empty database: share one.
        options["poolclass"] = StaticPool
        options["connect_args"] = {"check_same_thread": False}
    engine = create_engine(url, **options)
    timeout_ms = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                _enable_wal(cursor, busy_timeout_seconds)
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    logger.debug("SQLite store at %s", url.database)
    return engine


def _enable_wal(cursor: sqlite3.Cursor, timeout_seconds: float) -> None:
    # Switching a new database to WAL needs it to itself, and SQLite reports
    # "database is locked" at once instead of calling the busy handler. Once any
    # connection has switched it, the mode is stored in the file, so the first
    # check returns early and no lock is needed.
    deadline = time.monotonic() + timeout_seconds
    while True:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return
        try:
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            mode = None
        if mode == "wal":
            return
        if time.monotonic() >= deadline:
            raise sqlite3.OperationalError(
                f"cannot switch the database to WAL: journal_mode={mode}"
            )
        time.sleep(0.01)
