"""tajo: sync Gorgias helpdesk activity to Brevo contacts, lists and events.

The library entry point is `tajo.Tajo`:

    from tajo import Tajo

    async with Tajo("tajo.yaml") as client:
        report = await client.connectors.sync("gorgias", mode="incremental")

`Tajo` is imported on first access, so `import tajo` stays light for the CLI
and the simulators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tajo.api import ConnectorStatus, Tajo

__all__ = ["ConnectorStatus", "Tajo", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("Tajo", "ConnectorStatus"):
        import tajo.api

        return getattr(tajo.api, name)
    raise AttributeError(f"module 'tajo' has no attribute {name!r}")
