"""The store as the sync sees it, and the rolled-back store of a dry run.

A dry run goes through exactly the code of a real run, but on a
`RollbackStore`: every transaction is a savepoint inside one outer
transaction that is rolled back at the end. The dry run can therefore read
back what it planned (the queued outbox rows), and leaves the mirror, the
watermarks, the ledgers and the outbox as they were, so a later real run
still finds and sends every change. While it runs, it holds the store's
write lock (SQLite) or its row locks (PostgreSQL); other writers wait.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy import Connection

from tajo.clock import Clock
from tajo.store import Store, Tx


class Transactions(Protocol):
    """Anything that opens a connector's transactions like `Store` does."""

    clock: Clock

    def transaction(
        self, connector_id: str, *, read_only: bool = False
    ) -> AbstractContextManager[Tx]:
        """Open a transaction for `connector_id`, committed when the block ends."""
        ...


class RollbackStore:
    """Transactions that are savepoints of one transaction never committed."""

    def __init__(self, store: Store) -> None:
        self.clock: Clock = store.clock
        self._store = store
        self._conn: Connection | None = None
        self._outer: contextlib.ExitStack | None = None

    def __enter__(self) -> RollbackStore:
        stack = contextlib.ExitStack()
        conn = stack.enter_context(self._store.engine.connect())
        transaction = conn.begin()
        stack.callback(transaction.rollback)
        self._conn, self._outer = conn, stack
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._outer is not None:
            self._outer.close()
        self._conn = self._outer = None

    @contextlib.contextmanager
    def transaction(
        self, connector_id: str, *, read_only: bool = False
    ) -> Iterator[Tx]:
        """Open a savepoint; it is kept until the outer transaction rolls back."""
        if self._conn is None:
            raise RuntimeError(
                "dry-run store used outside its block: expected `with "
                "RollbackStore(store) as rollback:` around the dry run"
            )
        with self._conn.begin_nested():
            yield Tx(conn=self._conn, connector_id=connector_id, clock=self.clock)
