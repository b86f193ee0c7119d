"""Create, check and remove the Gorgias HTTP integration that feeds the receiver.

Gorgias's webhooks are HTTP integrations. `register_webhook` creates one
through the REST API, with the shared secret in a custom header and a small
JSON body template (ticket id, status, updated time and trigger). It is
idempotent: an integration with the same name or URL is updated instead of
duplicated, and re-enabled if Gorgias had deactivated it.

Gorgias deactivates an integration after many failed calls in a row (100
by its documentation, 500 by other reports). `check_webhook` reports that,
with the fix. The incremental sync reads what changed meanwhile, so the
changes the webhook missed are back-filled by the next poll.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from tajo.errors import ConfigError
from tajo.gorgias import GorgiasClient, Integration, is_loopback_host
from tajo.redact import Secret, redact_url

logger = logging.getLogger(__name__)

DEFAULT_NAME = "tajo: sync to Brevo"
DEFAULT_HEADER = "x-tajo-secret"
DEFAULT_TRIGGERS = ("ticket-created", "ticket-updated", "ticket-message-created")
# Trigger keys of the documented API; the ones not asked for are sent as false,
# so a narrower registration switches the others off.
DOCUMENTED_TRIGGERS = (
    *DEFAULT_TRIGGERS,
    "ticket-self-unsnoozed",
    "ticket-message-failed",
)
# Gorgias renders every value as a string. The worker re-fetches the ticket,
# so only ticket_id is used, and the other fields help debugging.
BODY_TEMPLATE = {
    "ticket_id": "{{ticket.id}}",
    "event_type": "{{event.type}}",
    "ticket_status": "{{ticket.status}}",
    "ticket_updated_datetime": "{{ticket.updated_datetime}}",
}
_SETTINGS_HINT = (
    "re-enable it in Gorgias under Settings > Integrations > HTTP, or run "
    "`tajo webhooks register`; the incremental sync back-fills the changes "
    "missed meanwhile"
)

WebhookStatus = Literal["active", "deactivated", "missing", "misconfigured"]


@dataclass(frozen=True, slots=True)
class WebhookHealth:
    """The state of the HTTP integration as Gorgias reports it."""

    status: WebhookStatus
    integration_id: int | None
    # The URL Gorgias calls, with secret query values masked.
    url: str | None
    deactivated_at: datetime | None
    # Triggers switched on.
    triggers: tuple[str, ...]
    # The problem and its fix, or empty when active.
    message: str

    @property
    def ok(self) -> bool:
        """True when Gorgias calls the receiver on every expected trigger."""
        return self.status == "active"


def integration_body(
    *,
    public_url: str,
    secret: Secret,
    header_name: str = DEFAULT_HEADER,
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    name: str = DEFAULT_NAME,
) -> dict[str, Any]:
    """Return the `POST /api/integrations` body of the receiver's integration.

    Raises:
        ConfigError: the URL is not https (http is allowed for loopback only).
    """
    requested = tuple(dict.fromkeys(triggers))
    if not requested:
        raise ConfigError(
            "no webhook trigger: triggers=(); expected at least one of "
            f"{', '.join(DOCUMENTED_TRIGGERS)}; pass the triggers to listen to"
        )
    switches = {trigger: trigger in requested for trigger in DOCUMENTED_TRIGGERS}
    switches.update({trigger: True for trigger in requested})
    return {
        "type": "http",
        "name": name,
        "http": {
            "url": _check_url(public_url),
            "method": "POST",
            "headers": {header_name.strip().lower(): secret.reveal()},
            "form": dict(BODY_TEMPLATE),
            "request_content_type": "application/json",
            "response_content_type": "application/json",
            "triggers": switches,
        },
    }


async def find_webhooks(
    client: GorgiasClient, *, public_url: str | None = None, name: str = DEFAULT_NAME
) -> list[Integration]:
    """Return the HTTP integrations with this name, or calling this URL."""
    target_url = _without_query(public_url) if public_url else None
    found: list[Integration] = []
    async for page in client.integration_pages(http_only=True):
        for integration in page.items:
            if integration.type != "http":
                continue
            url = integration.http.url if integration.http else None
            same_url = target_url is not None and url is not None
            if integration.name == name or (
                same_url and _without_query(url or "") == target_url
            ):
                found.append(integration)
    return found


async def register_webhook(
    client: GorgiasClient,
    *,
    public_url: str,
    secret: Secret,
    header_name: str = DEFAULT_HEADER,
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    name: str = DEFAULT_NAME,
) -> int:
    """Create or update the HTTP integration that calls the receiver; return its id.

    Running it again updates the same integration (found by name or URL) and
    re-enables it when Gorgias had deactivated it.

    Raises:
        ConfigError: the URL is not https (http is allowed for loopback only).
        AuthenticationError: the Gorgias email or key is wrong.
        PermissionDeniedError: the key's user may not manage integrations.
    """
    body = integration_body(
        public_url=public_url,
        secret=secret,
        header_name=header_name,
        triggers=triggers,
        name=name,
    )
    existing = await find_webhooks(client, public_url=public_url, name=name)
    if not existing:
        created = await client.create_integration(body)
        logger.info("Created the Gorgias HTTP integration %d", created.id)
        return created.id
    target = existing[0]
    if len(existing) > 1:
        logger.warning(
            "Several Gorgias HTTP integrations match: ids=%s; updating %d; run "
            "`tajo webhooks unregister` and register again to keep one",
            [item.id for item in existing],
            target.id,
        )
    update: dict[str, Any] = {"name": name, "http": body["http"]}
    if target.deactivated_datetime is not None:
        update["deactivated_datetime"] = None
    updated = await client.update_integration(target.id, update)
    logger.info("Updated the Gorgias HTTP integration %d", updated.id)
    return updated.id


async def unregister_webhook(
    client: GorgiasClient, *, public_url: str | None = None, name: str = DEFAULT_NAME
) -> list[int]:
    """Delete every HTTP integration with this name or URL; return their ids."""
    removed: list[int] = []
    for integration in await find_webhooks(client, public_url=public_url, name=name):
        await client.delete_integration(integration.id)
        logger.info("Deleted the Gorgias HTTP integration %d", integration.id)
        removed.append(integration.id)
    return removed


async def check_webhook(
    client: GorgiasClient,
    *,
    public_url: str | None = None,
    name: str = DEFAULT_NAME,
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    header_name: str = DEFAULT_HEADER,
) -> WebhookHealth:
    """Report whether Gorgias still calls the receiver, and how to fix it if not.

    Used by `tajo connectors test` and `tajo connectors status`.
    """
    found = await find_webhooks(client, public_url=public_url, name=name)
    if not found:
        return WebhookHealth(
            status="missing",
            integration_id=None,
            url=None,
            deactivated_at=None,
            triggers=(),
            message=(
                f"no Gorgias HTTP integration named {name!r} calls tajo; run "
                "`tajo webhooks register`; until then only the incremental sync "
                "sees changes"
            ),
        )
    integration = found[0]
    http = integration.http
    url = redact_url(http.url) if http and http.url else None
    enabled = tuple(
        sorted(key for key, on in (http.triggers if http else {}).items() if on)
    )
    active = WebhookHealth(
        status="active",
        integration_id=integration.id,
        url=url,
        deactivated_at=integration.deactivated_datetime,
        triggers=enabled,
        message="",
    )
    if integration.deactivated_datetime is not None:
        when = integration.deactivated_datetime.isoformat()
        return replace(
            active,
            status="deactivated",
            message=(
                f"Gorgias deactivated the HTTP integration: integration_id="
                f"{integration.id}; deactivated_at={when}; it does so after many "
                f"failed calls in a row; {_SETTINGS_HINT}"
            ),
        )
    missing = [trigger for trigger in triggers if trigger not in enabled]
    headers = {key.lower() for key in (http.headers if http else {})}
    problems: list[str] = []
    if missing:
        problems.append(f"triggers off: {', '.join(missing)}")
    if header_name.strip().lower() not in headers:
        problems.append(f"header {header_name} not set")
    called = http.url if http and http.url else ""
    if public_url and _without_query(called) != _without_query(public_url):
        problems.append(f"calls {url}, expected {redact_url(public_url)}")
    if problems:
        return replace(
            active,
            status="misconfigured",
            message=(
                f"the Gorgias HTTP integration is incomplete: integration_id="
                f"{integration.id}; {'; '.join(problems)}; run "
                "`tajo webhooks register` to rewrite it"
            ),
        )
    return active


def _check_url(url: str) -> str:
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", urlsplit("")
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and is_loopback_host(host)
    )
    if not host or not secure:
        raise ConfigError(
            f"invalid webhook URL: public_url={redact_url(text)!r}; expected "
            "https://HOST/webhooks/gorgias (plain http only on a loopback host); "
            "set webhook.public_url to the address Gorgias can reach"
        )
    return text


def _without_query(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, "", ""))
