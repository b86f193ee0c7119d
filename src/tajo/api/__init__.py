"""The Python library: `Tajo`, its connectors and campaigns, and the ASGI app.

    from tajo.api import Tajo

    client = Tajo("tajo.yaml")
    client.connectors.connect("gorgias", domain="yourstore.gorgias.com",
                              api_key="...", email="owner@example.com")
    report = await client.connectors.sync("gorgias", mode="full")

See docs/library.md for a complete, runnable example.
"""

from tajo.api.campaigns import Campaigns, ParamValue
from tajo.api.client import Tajo
from tajo.api.connectors import Connectors, Payload
from tajo.api.handlers import Handler, Handlers, handler_name, outcome_transitions
from tajo.api.status import ConnectorStatus, connector_status

__all__ = [
    "Campaigns",
    "ConnectorStatus",
    "Connectors",
    "Handler",
    "Handlers",
    "ParamValue",
    "Payload",
    "Tajo",
    "connector_status",
    "handler_name",
    "outcome_transitions",
]
