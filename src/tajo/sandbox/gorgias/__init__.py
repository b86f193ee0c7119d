"""A local simulator of the Gorgias REST API, written from the public API facts.

`GorgiasSandbox` is one simulated account. `create_app` serves it as an ASGI
app, in-process with `httpx.ASGITransport` or on loopback with
`tajo.sandbox.server.serve`. `generate_account` builds realistic, messy
account data from a seed. It imports nothing from the rest of tajo, so it
cannot share the client's mistakes.
"""

from tajo.sandbox.gorgias._account_data import AccountData
from tajo.sandbox.gorgias._deliveries import Delivery
from tajo.sandbox.gorgias._errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    SandboxError,
)
from tajo.sandbox.gorgias._records import RequestRecord
from tajo.sandbox.gorgias.app import create_app
from tajo.sandbox.gorgias.generator import generate_account
from tajo.sandbox.gorgias.sandbox import GorgiasSandbox

__all__ = [
    "AccountData",
    "Conflict",
    "Delivery",
    "GorgiasSandbox",
    "InvalidRequest",
    "NotFound",
    "RequestRecord",
    "SandboxError",
    "create_app",
    "generate_account",
]
