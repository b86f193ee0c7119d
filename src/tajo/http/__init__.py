"""HTTP building blocks shared by the Gorgias and Brevo clients."""

from tajo.http.ratelimit import SlidingWindowLimiter
from tajo.http.retry import Backoff

__all__ = ["Backoff", "SlidingWindowLimiter"]
