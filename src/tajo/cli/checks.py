"""The checks of `tajo connectors test`: one cheap request per question.

Each check returns a `Check` with the line people read and, when it failed,
the cause and the fix. Checks that depend on an earlier one that failed are
reported as skipped instead of failing for the same reason again.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from tajo.brevo import AttributeCatalogue, BrevoClient
from tajo.config import TajoConfig, custom_field_key, is_custom_field
from tajo.errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    TransportError,
)
from tajo.gorgias import GorgiasClient, Page
from tajo.mapping import required_attributes
from tajo.webhooks.registration import check_webhook

T = TypeVar("T", bound=BaseModel)

# Brevo attribute kinds (as tajo casts them) that can hold each type tajo writes.
_COMPATIBLE_KINDS = {
    "text": {"text", "category"},
    "float": {"float"},
    "date": {"date"},
    "boolean": {"boolean"},
}
_READ_ONLY_CATEGORIES = {"calculated", "global"}


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one check; `ok` is None when it was skipped."""

    label: str
    ok: bool | None
    cause: str = ""
    fix: str = ""


def passed(label: str) -> Check:
    """Return a passed check."""
    return Check(label, ok=True)


def skipped(label: str, reason: str) -> Check:
    """Return a check that was not run, and why."""
    return Check(f"{label} (not checked: {reason})", ok=None)


def failed(label: str, cause: str, fix: str) -> Check:
    """Return a failed check with its cause and the fix."""
    return Check(label, ok=False, cause=cause, fix=fix)


def gorgias_failure(label: str, exc: ApiError) -> Check:
    """Turn a Gorgias error into a failed check with the fix for its status."""
    if isinstance(exc, AuthenticationError):
        return failed(
            label,
            "401: Gorgias rejected the account email or the API key",
            "check both under Settings > REST API in Gorgias, then run "
            "`tajo connectors rotate-key gorgias`",
        )
    if isinstance(exc, PermissionDeniedError):
        return failed(
            label,
            "403: the key's user may not read this",
            "use the API key of a Gorgias admin user (Settings > REST API)",
        )
    if isinstance(exc, NotFoundError):
        return failed(
            label,
            "404: no Gorgias API at this address",
            "check connectors.gorgias.domain (the subdomain in your helpdesk "
            "address) and any base_url override",
        )
    if isinstance(exc, TransportError):
        return failed(
            label,
            str(exc),
            "check the network path to Gorgias and any base_url override",
        )
    return failed(label, str(exc), "see the cause; rerun the check when it is fixed")


def brevo_failure(label: str, exc: ApiError) -> Check:
    """Turn a Brevo error into a failed check with the fix for its status."""
    if isinstance(exc, AuthenticationError):
        return failed(
            label,
            "401: Brevo rejected the API key",
            "create a key under Brevo > SMTP & API > API keys and set "
            "brevo.api_key (usually through $BREVO_API_KEY)",
        )
    if isinstance(exc, TransportError):
        return failed(
            label, str(exc), "check the network path to Brevo and brevo.base_url"
        )
    return failed(label, str(exc), "see the cause; rerun the check when it is fixed")


async def first_page(pages: AsyncGenerator[Page[T], None]) -> Page[T] | None:
    """Fetch the first page of a list and close the scan."""
    try:
        return await anext(pages, None)
    finally:
        await pages.aclose()


async def guarded(
    label: str,
    call: Callable[[], Awaitable[Any]],
    on_error: Callable[[str, ApiError], Check],
) -> Check:
    """Run one request; its ApiError becomes a failed check."""
    try:
        await call()
    except ApiError as exc:
        return on_error(label, exc)
    return passed(label)


async def gorgias_checks(
    client: GorgiasClient, config: TajoConfig
) -> tuple[list[Check], dict[str, str]]:
    """Check authentication and read access to what the sync reads.

    Returns the checks and the data types of the customer custom fields that
    `field_mapping` uses (for the attribute checks).
    """
    auth = await guarded(
        "API authentication successful", client.get_account, gorgias_failure
    )
    reads = [
        ("Customer list accessible", lambda: first_page(client.customer_pages())),
        ("Ticket data readable", lambda: first_page(client.ticket_pages())),
        ("CSAT surveys available", lambda: first_page(client.survey_pages())),
        ("Tags listable", lambda: first_page(client.tag_pages())),
    ]
    if not auth.ok:
        not_run = [skipped(label, "authentication failed") for label, _ in reads]
        return [auth, *not_run], {}
    checks = [auth]
    for label, call in reads:
        checks.append(await guarded(label, call, gorgias_failure))
    custom_checks, types = await _custom_field_checks(client, config)
    return checks + custom_checks, types


async def _custom_field_checks(
    client: GorgiasClient, config: TajoConfig
) -> tuple[list[Check], dict[str, str]]:
    mapped = [key for key in config.gorgias.field_mapping if is_custom_field(key)]
    if not mapped:
        return [], {}
    label = "Customer custom fields found"
    definitions: dict[str, str] = {}
    try:
        async for page in client.custom_field_definition_pages("Customer"):
            for item in page.items:
                if item.label and item.deactivated_datetime is None:
                    data_type = str(item.definition.get("data_type") or "text")
                    definitions[custom_field_key(item.label)] = data_type
    except ApiError as exc:
        return [gorgias_failure(label, exc)], {}
    missing = [key for key in mapped if key not in definitions]
    if missing:
        return [
            failed(
                label,
                f"field_mapping uses {', '.join(missing)}, but Gorgias has no "
                "active customer field with that label",
                "create the field in Gorgias > Settings > Customer fields, or "
                "fix the key (the label in lower case, spaces as _)",
            )
        ], definitions
    return [passed(f"{label}: {', '.join(mapped)}")], definitions


async def brevo_checks(
    client: BrevoClient, config: TajoConfig, custom_field_types: dict[str, str]
) -> list[Check]:
    """Check the Brevo key, the configured lists and the mapped attributes."""
    auth = await guarded("Brevo API key valid", client.get_account, brevo_failure)
    if not auth.ok:
        return [
            auth,
            skipped("Brevo lists exist", "Brevo key invalid"),
            skipped("Brevo attributes ready", "Brevo key invalid"),
        ]
    checks = [auth]
    checks.extend(await _list_checks(client, config))
    checks.extend(await _attribute_checks(client, config, custom_field_types))
    return checks


def configured_lists(config: TajoConfig) -> dict[int, str]:
    """Return every Brevo list id tajo.yaml names, with the key that names it."""
    gorgias = config.gorgias
    named: dict[int, str] = {}
    for role in type(gorgias.lists).model_fields:
        list_id = getattr(gorgias.lists, role)
        if list_id is not None:
            named[list_id] = f"connectors.gorgias.lists.{role}"
    if gorgias.sync.tags:
        for tag, list_id in gorgias.tag_lists.items():
            named[list_id] = f"connectors.gorgias.tag_lists.{tag}"
    return named


async def _list_checks(client: BrevoClient, config: TajoConfig) -> list[Check]:
    named = configured_lists(config)
    if not named:
        return [skipped("Brevo lists exist", "tajo.yaml names no list")]
    try:
        existing = {item.id: item.name for item in await client.get_lists()}
    except ApiError as exc:
        return [brevo_failure("Brevo lists exist", exc)]
    checks: list[Check] = []
    found = [list_id for list_id in named if list_id in existing]
    if found:
        shown = ", ".join(f"{list_id} ({existing[list_id]})" for list_id in found)
        checks.append(passed(f"Brevo lists exist: {shown}"))
    for list_id, key in named.items():
        if list_id not in existing:
            checks.append(
                failed(
                    f"Brevo list {list_id} not found",
                    f"{key} is {list_id}, but the Brevo account has no list "
                    "with that id",
                    "create the list in Brevo > Contacts > Lists and write its "
                    f"id in {key}",
                )
            )
    return checks


async def _attribute_checks(
    client: BrevoClient, config: TajoConfig, custom_field_types: dict[str, str]
) -> list[Check]:
    label = "Brevo attributes ready"
    mapping = config.gorgias.field_mapping
    required = required_attributes(mapping, custom_field_types=custom_field_types)
    if not required:
        return [skipped(label, "field_mapping writes no attribute")]
    try:
        catalogue = await client.get_attributes()
    except ApiError as exc:
        return [brevo_failure(label, exc)]
    sources = {target: key for key, target in mapping.items()}
    return attribute_checks(
        required,
        catalogue,
        sources=sources,
        create_missing=config.brevo.create_missing_attributes,
    )


def attribute_checks(
    required: Mapping[str, str],
    catalogue: AttributeCatalogue,
    *,
    sources: dict[str, str],
    create_missing: bool,
) -> list[Check]:
    """Compare the attributes the mapping writes with Brevo's catalogue."""
    ready: list[str] = []
    to_create: list[str] = []
    checks: list[Check] = []
    for name, target_type in required.items():
        spec = catalogue.get(name)
        source = f"field_mapping.{sources.get(name, name)}"
        if spec is None:
            if create_missing:
                to_create.append(f"{name} ({target_type})")
                continue
            checks.append(
                failed(
                    f"Brevo attribute {name} missing",
                    f"{source} writes {name}, which Brevo does not have; Brevo "
                    "drops values of unknown attributes without an error",
                    f"create {name} as {target_type} in Brevo > Contacts > Settings > "
                    "Contact attributes, or set brevo.create_missing_attributes: "
                    "true",
                )
            )
        elif spec.category in _READ_ONLY_CATEGORIES:
            checks.append(
                failed(
                    f"Brevo attribute {name} is read-only",
                    f"{name} is a {spec.category} attribute, which Brevo computes",
                    f"map {source} to another attribute name",
                )
            )
        elif spec.kind not in _COMPATIBLE_KINDS.get(target_type, {target_type}):
            checks.append(
                failed(
                    f"Brevo attribute {name} has an incompatible type",
                    f"{name} is {spec.kind} in Brevo, but {source} needs {target_type}",
                    f"map {source} to a new attribute name, or recreate {name} "
                    f"as {target_type} in Brevo",
                )
            )
        else:
            ready.append(name)
    summary = f"{len(ready)} exist with compatible types"
    if to_create:
        summary += f"; will be created on the first sync: {', '.join(to_create)}"
    return [passed(f"Brevo attributes ready: {summary}"), *checks]


_WEBHOOK_FIXES = {
    "missing": "run `tajo webhooks register` (the incremental sync covers the gap "
    "until then)",
    "deactivated": "fix what made the calls fail (is `tajo serve` reachable at "
    "webhook.public_url?), then re-enable the integration in Gorgias > Settings "
    "> Integrations > HTTP or run `tajo webhooks register`",
    "misconfigured": "run `tajo webhooks register` to rewrite the integration",
}


async def webhook_checks(client: GorgiasClient, config: TajoConfig) -> list[Check]:
    """Check that the Gorgias HTTP integration exists and is active."""
    webhook = config.gorgias.webhook
    if webhook is None:
        return []
    label = "Webhook integration active"
    try:
        health = await check_webhook(
            client,
            public_url=webhook.public_url,
            header_name=webhook.secret_header,
        )
    except ApiError as exc:
        return [gorgias_failure(label, exc)]
    if health.ok:
        return [passed(f"{label}: integration {health.integration_id} -> {health.url}")]
    return [
        failed(
            f"Webhook integration {health.status}",
            health.message,
            _WEBHOOK_FIXES.get(health.status, "run `tajo webhooks register`"),
        )
    ]
