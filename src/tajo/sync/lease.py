"""The sync lease and the names workers claim outbox rows under.

Only one sync per connector may run: it holds the lease `sync:<connector>`
and renews it as it goes. A process that was killed cannot release its lease
or its outbox claims. When the dead process ran on this machine (its name
carries the host and the process id), the next run takes both over at once
instead of waiting for them to expire.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from tajo.store import Tx, acquire_lease, get_lease, release_lease, renew_lease
from tajo.store.sync_outbox import (
    claiming_workers,
    release_worker_claims,
)
from tajo.sync.storage import Transactions

logger = logging.getLogger(__name__)

_PREFIX = "tajo"


def worker_name(connector_id: str) -> str:
    """Return a name unique to this process: `tajo|connector|host|pid|token`."""
    token = uuid.uuid4().hex[:8]
    return f"{_PREFIX}|{connector_id}|{socket.gethostname()}|{os.getpid()}|{token}"


def is_dead_local_worker(name: str) -> bool:
    """Return True when `name` is a tajo worker of this host whose process is gone."""
    parts = name.split("|")
    if len(parts) != 5 or parts[0] != _PREFIX or parts[2] != socket.gethostname():
        return False
    try:
        pid = int(parts[3])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_dead_claims(tx: Tx) -> int:
    """Put back the outbox rows claimed by dead workers of this host."""
    released = 0
    for worker in claiming_workers(tx):
        if is_dead_local_worker(worker):
            count = release_worker_claims(tx, worker)
            logger.warning("released %d outbox rows claimed by dead %s", count, worker)
            released += count
    return released


class SyncLease:
    """The lease of one connector's sync, held by one worker name."""

    def __init__(
        self,
        store: Transactions,
        connector_id: str,
        holder: str,
        *,
        ttl_seconds: float,
    ) -> None:
        self.name = f"sync:{connector_id}"
        self._store = store
        self._holder = holder
        self._ttl = ttl_seconds
        self._renewed = store.clock.monotonic()

    def acquire(self, tx: Tx) -> None:
        """Take the lease; a lease left by a dead local process is taken over.

        Raises:
            LeaseHeldError: a live process holds it.
        """
        current = get_lease(tx, self.name)
        if (
            current is not None
            and current.holder != self._holder
            and is_dead_local_worker(current.holder)
        ):
            logger.warning(
                "taking over the sync lease of dead process %s", current.holder
            )
            release_lease(tx, self.name, current.holder)
        acquire_lease(tx, self.name, self._holder, ttl_seconds=self._ttl)
        self._renewed = self._store.clock.monotonic()

    def renew_if_due(self, tx: Tx) -> None:
        """Renew the lease when a third of its time has passed.

        Raises:
            LeaseHeldError: the lease expired and another process took it.
        """
        now = self._store.clock.monotonic()
        if now - self._renewed < self._ttl / 3:
            return
        renew_lease(tx, self.name, self._holder, ttl_seconds=self._ttl)
        self._renewed = now

    def release(self, tx: Tx) -> None:
        """Give the lease up."""
        release_lease(tx, self.name, self._holder)
