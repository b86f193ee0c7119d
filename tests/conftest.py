"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from tajo.clock import FakeClock

# `store`, `store_url` and friends: a real store on SQLite and on PostgreSQL.
pytest_plugins = ["tests.fixtures.store"]


@pytest.fixture
def clock() -> FakeClock:
    """Virtual time starting 2026-08-12 12:00 UTC; sleeps return at once."""
    return FakeClock()
