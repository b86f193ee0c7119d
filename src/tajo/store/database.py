"""The store handle and its unit of work, `Store.transaction()`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from tajo.clock import Clock, SystemClock
from tajo.errors import StoreError
from tajo.redact import redact_text
from tajo.store.engine import (
    READ_ONLY_OPTION,
    create_store_engine,
    display_url,
    normalize_url,
)
from tajo.store.migrate import migrate_engine
from tajo.store.paths import DATA_DIR_MODE, default_database_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Tx:
    """One open transaction, scoped to one connector.

    Every repository function takes a `Tx` first, reads and writes only the
    rows of `connector_id`, and stamps times from `clock`, so tests can inject
    a FakeClock. The exceptions, `list_connections` and `set_connection_key`,
    say so: encryption-key rotation needs every connector's row.
    """

    conn: Connection
    connector_id: str
    clock: Clock

    def now(self) -> datetime:
        """Return the current instant from the store's clock."""
        return self.clock.now()

    @property
    def dialect(self) -> str:
        """Return "sqlite" or "postgresql"."""
        return self.conn.dialect.name


class Store:
    """A migrated state database: SQLite (the default) or PostgreSQL.

    Open it with `Store.open(url)`, then do each unit of work, such as one page
    of a sync or one claimed batch, in its own `with store.transaction(...)`.
    Never keep a transaction open across an HTTP call: on SQLite it holds the
    single write lock, and on PostgreSQL it holds row locks.
    """

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()

    @classmethod
    def open(
        cls,
        url: str | URL | None = None,
        *,
        clock: Clock | None = None,
        migrate: bool = True,
        busy_timeout_seconds: float = 30.0,
    ) -> Store:
        """Connect to `url`, upgrade its schema, and return the store.

        Without a URL the database is `default_database_url()`. For a SQLite file,
        missing parent folders are created with mode 0700.

        Raises:
            ConfigError: the URL is invalid or names an unsupported backend.
            StoreError: the database cannot be reached or migrated.
        """
        parsed = normalize_url(url if url is not None else default_database_url())
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (
            None,
            "",
            ":memory:",
        ):
            Path(parsed.database).parent.mkdir(
                mode=DATA_DIR_MODE, parents=True, exist_ok=True
            )
        engine = create_store_engine(parsed, busy_timeout_seconds=busy_timeout_seconds)
        try:
            if migrate:
                migrate_engine(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise _store_error(exc, action="migrate", url=parsed) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, clock=clock)

    @property
    def dialect(self) -> str:
        """Return "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(
        self, connector_id: str, *, read_only: bool = False
    ) -> Iterator[Tx]:
        """Open a transaction for `connector_id`, committed when the block ends.

        An exception inside the block rolls everything back. `read_only=True`
        lets SQLite readers skip the write lock; it does not block writes.

        Raises:
            StoreError: the database failed, or stayed locked past the busy
                timeout. Exceptions raised by the block itself pass unchanged.
        """
        try:
            with self.engine.connect() as conn:
                if read_only:
                    conn = conn.execution_options(**{READ_ONLY_OPTION: True})
                with conn.begin():
                    yield Tx(conn=conn, connector_id=connector_id, clock=self.clock)
        except SQLAlchemyError as exc:
            raise _store_error(
                exc, action="transaction", url=self.engine.url, connector=connector_id
            ) from exc

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _store_error(
    exc: SQLAlchemyError, *, action: str, url: URL, connector: str = ""
) -> StoreError:
    # The driver's own message leaves out the SQL parameters, which may hold
    # customer data or encrypted keys.
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        cause = redact_text(str(exc.orig).strip())
    else:
        cause = type(exc).__name__
    shown = display_url(url)
    where = f"connector={connector}; " if connector else ""
    logger.debug("State store %s failed at %s: %s", action, shown, cause)
    return StoreError(
        f"state store {action} failed: {where}url={shown}; error={cause}; "
        "expected a reachable, writable database; check the database URL and "
        "that no other process keeps it locked"
    )
