"""Prometheus metrics of the receiver and the workers that share its process.

Each app gets its own registry, so several apps (or tests) in one process
never collide on metric names.
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from tajo.store.inbox_repo import QueueDepths

# Seconds; acceptance is one database write, processing includes API calls.
_ACCEPT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
_PROCESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class WebhookMetrics:
    """The counters, gauges and histograms served at `GET /metrics`."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.accepted = Counter(
            "tajo_webhook_deliveries_accepted",
            "Deliveries written to the inbox and answered 202.",
            registry=self.registry,
        )
        self.rejected = Counter(
            "tajo_webhook_deliveries_rejected",
            "Deliveries rejected with a 4xx, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.accept_seconds = Histogram(
            "tajo_webhook_accept_seconds",
            "Time from request start to the 202 answer.",
            buckets=_ACCEPT_BUCKETS,
            registry=self.registry,
        )
        self.processing_seconds = Histogram(
            "tajo_webhook_processing_seconds",
            "Time from receipt to processed, for deliveries handled by a worker "
            "in this process.",
            buckets=_PROCESS_BUCKETS,
            registry=self.registry,
        )
        self.inbox_depth = Gauge(
            "tajo_inbox_depth",
            "Deliveries pending or being processed.",
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "tajo_outbox_depth",
            "Brevo operations pending or being sent.",
            registry=self.registry,
        )
        self.inbox_oldest_age = Gauge(
            "tajo_inbox_oldest_age_seconds",
            "Age of the oldest delivery not yet processed; 0 when none waits.",
            registry=self.registry,
        )

    def set_depths(self, depths: QueueDepths, *, now: datetime) -> None:
        """Update the queue gauges from a fresh count."""
        self.inbox_depth.set(depths.inbox)
        self.outbox_depth.set(depths.outbox)
        oldest = depths.oldest_inbox_received_at
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        self.inbox_oldest_age.set(max(age, 0.0))

    def render(self) -> tuple[bytes, str]:
        """Return the exposition text and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
