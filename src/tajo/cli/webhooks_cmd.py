"""`tajo webhooks register|unregister|check`: the Gorgias HTTP integration.

Gorgias calls tajo through an HTTP integration created in the account. These
commands manage it through the Gorgias API with the installed key, which
must belong to an admin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from tajo.cli.clients import build_gorgias_client, gorgias_access
from tajo.cli.runtime import Runtime, runtime_of
from tajo.clock import SystemClock
from tajo.config import TajoConfig, WebhookConfig
from tajo.errors import ConfigError
from tajo.gorgias import GorgiasClient
from tajo.webhooks import check_webhook, register_webhook, unregister_webhook

T = TypeVar("T")

webhooks_app = typer.Typer(
    name="webhooks",
    help="Create, check or remove the Gorgias HTTP integration that calls tajo.",
    no_args_is_help=True,
)

PublicUrlOption = Annotated[
    str | None,
    typer.Option(
        help="The https URL of POST /webhooks/gorgias that Gorgias can reach; "
        "default connectors.gorgias.webhook.public_url.",
    ),
]


def webhook_settings(config: TajoConfig) -> WebhookConfig:
    """Return the webhook section of tajo.yaml.

    Raises:
        ConfigError: the section is missing.
    """
    webhook = config.gorgias.webhook
    if webhook is None:
        raise ConfigError(
            "webhook not configured: connectors.gorgias.webhook is missing; "
            "expected {secret: ${TAJO_WEBHOOK_SECRET}, public_url: https://...}; "
            "add the section (see docs/configuration.md)"
        )
    return webhook


def _public_url(option: str | None, webhook: WebhookConfig) -> str:
    url = option or webhook.public_url
    if not url:
        raise ConfigError(
            "missing webhook URL: neither --public-url nor "
            "connectors.gorgias.webhook.public_url is set; expected the https "
            "address of POST /webhooks/gorgias; set one of them"
        )
    return url


def with_gorgias(
    runtime: Runtime,
    config: TajoConfig,
    call: Callable[[GorgiasClient], Awaitable[T]],
) -> T:
    """Run `call` with a Gorgias client built from the stored connection."""

    async def run() -> T:
        with runtime.open_store(config) as store:
            access = gorgias_access(runtime, config, store)
        client = build_gorgias_client(access, config, clock=SystemClock())
        async with client:
            return await call(client)

    return asyncio.run(run())


@webhooks_app.command("register")
def register_command(ctx: typer.Context, public_url: PublicUrlOption = None) -> None:
    """Create (or update and re-enable) the HTTP integration that calls tajo."""
    runtime = runtime_of(ctx)
    config = runtime.config()
    webhook = webhook_settings(config)
    url = _public_url(public_url, webhook)
    integration_id = with_gorgias(
        runtime,
        config,
        lambda client: register_webhook(
            client,
            public_url=url,
            secret=webhook.secret,
            header_name=webhook.secret_header,
        ),
    )
    runtime.consoles.ok(f"Gorgias HTTP integration {integration_id} calls {url}")
    runtime.consoles.line(
        "Run `tajo serve` where that URL reaches it; the incremental sync still "
        "runs to heal any delivery Gorgias misses."
    )


@webhooks_app.command("unregister")
def unregister_command(ctx: typer.Context, public_url: PublicUrlOption = None) -> None:
    """Delete the HTTP integration(s) that call tajo."""
    runtime = runtime_of(ctx)
    config = runtime.config()
    webhook = config.gorgias.webhook
    url = public_url or (webhook.public_url if webhook else None)
    removed = with_gorgias(
        runtime, config, lambda client: unregister_webhook(client, public_url=url)
    )
    if removed:
        shown = ", ".join(str(item) for item in removed)
        runtime.consoles.ok(f"Deleted Gorgias HTTP integration(s) {shown}")
    else:
        runtime.consoles.note("No Gorgias HTTP integration of tajo was found")


@webhooks_app.command("check")
def check_command(ctx: typer.Context) -> None:
    """Report whether Gorgias still calls tajo (deactivated, missing, active)."""
    runtime = runtime_of(ctx)
    config = runtime.config()
    webhook = webhook_settings(config)
    health = with_gorgias(
        runtime,
        config,
        lambda client: check_webhook(
            client, public_url=webhook.public_url, header_name=webhook.secret_header
        ),
    )
    if health.ok:
        runtime.consoles.ok(
            f"Webhook active: integration {health.integration_id} -> {health.url}"
        )
        return
    runtime.consoles.fail(f"Webhook {health.status}", cause=health.message)
    raise typer.Exit(1)
