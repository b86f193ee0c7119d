"""The sync engine: Gorgias read into the store, planned, and written to Brevo.

`SyncEngine.run` is the bulk job (full or incremental, or a dry run);
`SyncEngine.process_ticket_change` is the real-time path for one ticket;
`SyncEngine.drain_outbox` and `SyncEngine.replay_failed` serve the workers
and the replay command. Progress goes to a `ProgressListener`.
"""

from tajo.sync.engine import SyncEngine
from tajo.sync.progress import NoProgress, ProgressListener
from tajo.sync.report import (
    DrainReport,
    DryRunPlan,
    ReplayReport,
    ResourceCount,
    SyncMode,
    SyncReport,
    TicketOutcome,
)
from tajo.sync.resources import RESOURCES
from tajo.sync.storage import RollbackStore

__all__ = [
    "RESOURCES",
    "DrainReport",
    "DryRunPlan",
    "NoProgress",
    "ProgressListener",
    "ReplayReport",
    "ResourceCount",
    "RollbackStore",
    "SyncEngine",
    "SyncMode",
    "SyncReport",
    "TicketOutcome",
]
