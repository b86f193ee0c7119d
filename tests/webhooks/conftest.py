"""The store fixtures (one run per backend) and the receiver fixtures."""

from tests.fixtures.store import (  # noqa: F401 (fixtures are found by name)
    postgres_server_url,
    postgres_url,
    sqlite_url,
    store,
    store_url,
)
from tests.webhooks.fixtures import (  # noqa: F401 (fixtures are found by name)
    client,
    receiver,
    webhook_config,
)
