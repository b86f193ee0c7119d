"""The store fixtures: every library test runs on SQLite and on PostgreSQL."""

from tests.fixtures.store import (  # noqa: F401 (fixtures are found by name)
    postgres_server_url,
    postgres_url,
    sqlite_url,
    store,
    store_url,
)
