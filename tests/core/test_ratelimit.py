from __future__ import annotations

import pytest

from tajo.clock import FakeClock
from tajo.http import SlidingWindowLimiter


def _max_in_window(times: list[float], window: float) -> int:
    return max(
        sum(1 for other in times if start <= other < start + window) for start in times
    )


async def test_limiter_never_exceeds_budget_in_any_window(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(40, 20.0, clock=clock)
    starts = []
    for _ in range(250):
        await limiter.acquire()
        starts.append(clock.monotonic())
    assert _max_in_window(starts, 20.0) == 40


async def test_limiter_first_burst_does_not_wait(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(40, 20.0, clock=clock)
    for _ in range(40):
        await limiter.acquire()
    assert clock.monotonic() == 0.0


async def test_limiter_pause_delays_next_start(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(40, 20.0, clock=clock)
    limiter.pause(5.0)
    await limiter.acquire()
    assert clock.monotonic() == pytest.approx(5.0)
    assert limiter.throttled_seconds == pytest.approx(5.0)


async def test_limiter_full_server_budget_slows_down(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(40, 20.0, clock=clock)
    limiter.observe_usage(40, 40)
    await limiter.acquire()
    # Two slots at 0.5 s each must drain before the reserve is back.
    assert clock.monotonic() == pytest.approx(1.0)


async def test_limiter_server_budget_with_room_does_not_wait(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(40, 20.0, clock=clock)
    limiter.observe_usage(10, 40)
    await limiter.acquire()
    assert clock.monotonic() == 0.0


@pytest.mark.parametrize(
    ("max_requests", "window"), [(0, 1.0), (1, 0.0)], ids=["no-requests", "no-window"]
)
def test_limiter_rejects_invalid_budget(
    clock: FakeClock, max_requests: int, window: float
) -> None:
    with pytest.raises(ValueError, match="invalid rate limit"):
        SlidingWindowLimiter(max_requests, window, clock=clock)
