"""The Gorgias resources a sync reads, and the names `--resources` accepts."""

from __future__ import annotations

from collections.abc import Sequence

from tajo.config import TajoConfig
from tajo.errors import ConfigError

# Resource names accepted by `run(resources=...)`, in the order they are read.
RESOURCES = (
    "tags",
    "users",
    "customers",
    "messages",
    "tickets",
    "satisfaction_surveys",
    "events",
)
ALIASES = {"surveys": "satisfaction_surveys", "ticket_messages": "messages"}


def chosen_resources(
    names: Sequence[str] | None, config: TajoConfig
) -> tuple[str, ...]:
    """Return the resources to read, in reading order.

    None means every resource the configuration enables.

    Raises:
        ConfigError: a name is not a resource.
    """
    sync = config.gorgias.sync
    enabled = {
        "tags": sync.tags,
        "users": sync.users,
        "customers": sync.customers,
        "messages": sync.messages,
        "tickets": sync.tickets,
        "satisfaction_surveys": sync.satisfaction_surveys,
        "events": sync.events,
    }
    if names is None:
        return tuple(name for name in RESOURCES if enabled[name])
    chosen: set[str] = set()
    for raw in names:
        name = ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if name not in RESOURCES:
            raise ConfigError(
                f"unknown sync resource: resource={raw!r}; expected some of "
                f"{', '.join(RESOURCES)}; fix --resources"
            )
        chosen.add(name)
    return tuple(name for name in RESOURCES if name in chosen)
