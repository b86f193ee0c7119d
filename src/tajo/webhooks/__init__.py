"""The real-time entry: the webhook receiver and the Gorgias webhook setup.

`create_webhook_app` builds the ASGI receiver (mountable in any ASGI server);
`register_webhook`, `unregister_webhook` and `check_webhook` manage the Gorgias
HTTP integration that calls it. The receiver only authenticates deliveries and
writes them to the inbox; `tajo.workers` processes them.
"""

from tajo.webhooks.app import DELIVERY_PATH, create_webhook_app
from tajo.webhooks.metrics import WebhookMetrics
from tajo.webhooks.payload import DeliveryHints, DeliveryRejected, read_delivery
from tajo.webhooks.registration import (
    BODY_TEMPLATE,
    DEFAULT_HEADER,
    DEFAULT_NAME,
    DEFAULT_TRIGGERS,
    WebhookHealth,
    WebhookStatus,
    check_webhook,
    find_webhooks,
    integration_body,
    register_webhook,
    unregister_webhook,
)

__all__ = [
    "BODY_TEMPLATE",
    "DEFAULT_HEADER",
    "DEFAULT_NAME",
    "DEFAULT_TRIGGERS",
    "DELIVERY_PATH",
    "DeliveryHints",
    "DeliveryRejected",
    "WebhookHealth",
    "WebhookMetrics",
    "WebhookStatus",
    "check_webhook",
    "create_webhook_app",
    "find_webhooks",
    "integration_body",
    "read_delivery",
    "register_webhook",
    "unregister_webhook",
]
