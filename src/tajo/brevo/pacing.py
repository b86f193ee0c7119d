"""Request pacing per Brevo endpoint family.

Brevo limits each family separately. On general plans, everything under
`/contacts` and the events endpoints allow 10 requests per second each (and
36,000 per hour, which 10 per second can never exceed). Every other endpoint,
including `/processes`, `/account` and `/smtp/email`, shares 100 requests per
hour. Higher plans raise these numbers, so they are configurable.
`/events/batch` is not named in Brevo's table; it is paced with `/events`.

Responses carry `x-sib-ratelimit-limit`, `x-sib-ratelimit-remaining` and
`x-sib-ratelimit-reset`, where reset is the number of seconds left in the
current window (not a Unix timestamp).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tajo.clock import Clock
from tajo.errors import ConfigError
from tajo.http.ratelimit import SlidingWindowLimiter

logger = logging.getLogger(__name__)

EndpointFamily = Literal["contacts", "events", "other"]

REMAINING_HEADER = "x-sib-ratelimit-remaining"
RESET_HEADER = "x-sib-ratelimit-reset"


@dataclass(frozen=True, slots=True)
class BrevoRateLimits:
    """Requests allowed per endpoint family; the defaults are Brevo's general plan."""

    # Everything under /contacts, including lists, attributes and imports.
    contacts_per_second: int = 10
    # POST /events and POST /events/batch.
    events_per_second: int = 10
    # Every other endpoint: /processes, /account, /smtp/email and the rest.
    other_per_hour: int = 100

    def __post_init__(self) -> None:
        for name in ("contacts_per_second", "events_per_second", "other_per_hour"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(
                    f"invalid Brevo rate limit: {name}={value!r}; expected a whole "
                    "number of at least 1; use the limits of the Brevo plan"
                )


def endpoint_family(path: str) -> EndpointFamily:
    """Return the rate-limit family of a path relative to the `/v3` base."""
    if path == "/contacts" or path.startswith(("/contacts/", "/contacts?")):
        return "contacts"
    if path in ("/events", "/events/batch") or path.startswith("/events?"):
        return "events"
    return "other"


class BrevoPacer:
    """One sliding-window limiter per endpoint family, shared by all requests."""

    def __init__(self, limits: BrevoRateLimits, *, clock: Clock) -> None:
        self.limits = limits
        self._limiters: dict[EndpointFamily, SlidingWindowLimiter] = {
            "contacts": SlidingWindowLimiter(
                limits.contacts_per_second, 1.0, clock=clock, name="brevo contacts"
            ),
            "events": SlidingWindowLimiter(
                limits.events_per_second, 1.0, clock=clock, name="brevo events"
            ),
            "other": SlidingWindowLimiter(
                limits.other_per_hour, 3600.0, clock=clock, name="brevo other"
            ),
        }

    def limiter(self, family: EndpointFamily) -> SlidingWindowLimiter:
        return self._limiters[family]

    def fallback_wait(self, family: EndpointFamily) -> float:
        """Return the wait after a 429 that carries no reset header.

        One slot's share of the window, at least one second: 1 s for the
        per-second families and 36 s for 100 per hour.
        """
        limiter = self._limiters[family]
        return max(limiter.window_seconds / limiter.max_requests, 1.0)

    def observe(self, family: EndpointFamily, headers: Mapping[str, str]) -> None:
        """Pause the family when Brevo reports its window as spent."""
        remaining = parse_number(headers.get(REMAINING_HEADER))
        reset = parse_number(headers.get(RESET_HEADER))
        if remaining is not None and remaining <= 0 and reset is not None:
            self._limiters[family].pause(reset)

    @property
    def throttled_seconds(self) -> float:
        """Return the total time requests waited for the limiters."""
        return sum(limiter.throttled_seconds for limiter in self._limiters.values())


def parse_number(value: str | None) -> float | None:
    """Return a header's numeric value, or None when it is absent or malformed."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number
