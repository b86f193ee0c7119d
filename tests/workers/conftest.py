"""The store fixtures (one run per backend) and the real-time world."""

from tests.fixtures.store import (  # noqa: F401 (fixtures are found by name)
    postgres_server_url,
    postgres_url,
    sqlite_url,
    store,
    store_url,
)
from tests.workers.fixtures import realtime  # noqa: F401 (found by name)
