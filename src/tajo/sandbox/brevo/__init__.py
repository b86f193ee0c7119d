"""A strict simulator of Brevo API v3 for tests, the demo and benchmarks.

It is written from Brevo's published API facts alone and imports nothing
from tajo's clients, models or sync code, so it cannot share their mistakes.

    sandbox = BrevoSandbox(clock=fake.monotonic, now=fake.now)
    sandbox.seed(lists=[{"id": 7, "name": "Support customers"}])
    transport = httpx.ASGITransport(app=create_app(sandbox))
"""

from tajo.sandbox.brevo.app import create_app
from tajo.sandbox.brevo.data import RequestRecord
from tajo.sandbox.brevo.gate import ConnectionDropped
from tajo.sandbox.brevo.sandbox import BrevoSandbox

__all__ = ["BrevoSandbox", "ConnectionDropped", "RequestRecord", "create_app"]
