"""Shared pieces of the account generator: the random source and time formats.

Every random choice goes through one seeded `random.Random`, and nothing
iterates over a set or reads the real clock, so one seed always yields the
same bytes.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

T = TypeVar("T")

Formatter = Callable[[datetime], str]


# The formatters take aware UTC datetimes, so `isoformat` writes `+00:00`.
def _offset_micros(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _naive_micros(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")


def _offset_seconds(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _space_separated(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds")


@functools.lru_cache(maxsize=128)
def _cumulative(weights: tuple[float, ...]) -> tuple[list[float], float]:
    return list(itertools.accumulate(weights)), float(sum(weights))


# The formats seen in real Gorgias payloads, most common first: offset with
# microseconds, the documented naive form, no fraction, and a space separator.
FORMATS: tuple[Formatter, ...] = (
    _offset_micros,
    _naive_micros,
    _offset_seconds,
    _space_separated,
)
_FORMAT_WEIGHTS = (70, 10, 10, 10)


@dataclass(slots=True)
class Gen:
    """The seeded random source and the reference time of one generation run."""

    rng: random.Random
    now: datetime  # aware UTC

    def chance(self, probability: float) -> bool:
        """Return True with the given probability."""
        return self.rng.random() < probability

    def pick(self, items: Sequence[T]) -> T:
        """Return one item chosen uniformly."""
        return items[self.rng.randrange(len(items))]

    def weighted(self, items: Sequence[T], weights: tuple[float, ...]) -> T:
        """Return one item chosen with the given weights."""
        cumulative, total = _cumulative(weights)
        return items[bisect.bisect_right(cumulative, self.rng.random() * total)]

    def formatter(self) -> Formatter:
        """Return the datetime format one object uses for all its fields."""
        return self.weighted(FORMATS, _FORMAT_WEIGHTS)

    def between(self, start: datetime, end: datetime) -> datetime:
        """Return an instant between `start` and `end`, to the microsecond."""
        span = max(0, int((end - start) / timedelta(microseconds=1)))
        return start + timedelta(microseconds=self.rng.randint(0, span))

    def days_ago(self, days: float) -> datetime:
        """Return the instant `days` before the reference time."""
        return self.now - timedelta(days=days)

    def after(
        self, start: datetime, min_seconds: float, max_seconds: float
    ) -> datetime:
        """Return an instant a random number of seconds after `start`."""
        seconds = self.rng.uniform(min_seconds, max_seconds)
        return start + timedelta(
            seconds=seconds, microseconds=self.rng.randint(0, 999_999)
        )

    def uuid(self) -> str:
        """Return a random version-4 uuid drawn from the seeded source."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def make_gen(seed: int, now: datetime) -> Gen:
    """Build the generator state; `now` must be timezone-aware.

    Raises:
        ValueError: `now` is naive.
    """
    if now.tzinfo is None:
        raise ValueError(
            f"invalid now: now={now.isoformat()}; expected a timezone-aware datetime"
        )
    return Gen(random.Random(seed), now.astimezone(UTC))
