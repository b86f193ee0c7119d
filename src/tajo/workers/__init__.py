"""Workers: process the webhook inbox and the Brevo outbox, and run the poller.

`run_worker` drains the inbox (one re-fetch per changed ticket, however many
deliveries named it) and then the outbox, until stopped. `serve` runs the
receiver and in-process workers (`tajo serve`); `run_workers` runs workers
only (`tajo worker`). `requeue_ticket` queues a ticket as if Gorgias had
called.
"""

from tajo.workers.engines import EngineFactory, GorgiasAccount, gorgias_account
from tajo.workers.inbox import (
    DEFAULT_MAX_ATTEMPTS,
    InboxPass,
    InboxSettings,
    OutcomeHook,
    process_inbox_once,
)
from tajo.workers.poller import DEFAULT_SYNC_EVERY_SECONDS, run_poller, sync_due
from tajo.workers.replay import requeue_ticket
from tajo.workers.runner import WorkerPass, run_worker, work_once, worker_name
from tajo.workers.service import run_workers, serve

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_SYNC_EVERY_SECONDS",
    "EngineFactory",
    "GorgiasAccount",
    "InboxPass",
    "InboxSettings",
    "OutcomeHook",
    "WorkerPass",
    "gorgias_account",
    "process_inbox_once",
    "requeue_ticket",
    "run_poller",
    "run_worker",
    "run_workers",
    "serve",
    "sync_due",
    "work_once",
    "worker_name",
]
