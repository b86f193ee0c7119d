"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from tajo.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """Virtual time starting 2026-08-12 12:00 UTC; sleeps return at once."""
    return FakeClock()
