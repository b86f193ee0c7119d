"""`connectors.gorgias`: the published section plus the settings tajo adds."""

from __future__ import annotations

import logging

from pydantic import field_validator, model_validator

from tajo.config.base import Section, invalid, one_of, setting
from tajo.config.fields import (
    DEFAULT_EVENT_MAPPING,
    DEFAULT_FIELD_MAPPING,
    IDENTIFIER_TARGETS,
    EventKind,
    FieldKey,
    FieldTarget,
    is_custom_field,
)
from tajo.config.gorgias import (
    LOG_LEVELS,
    CsatConfig,
    IdentityConfig,
    ListsConfig,
    RateLimitConfig,
    SyncConfig,
    TagSourcesConfig,
    WebhookConfig,
    parse_domain,
)
from tajo.config.triggers import TriggerConfig
from tajo.config.types import (
    BaseUrl,
    EmailAddress,
    EventName,
    PhoneRegion,
    PositiveId,
    SecretValue,
    TimezoneName,
)


class GorgiasConfig(Section):
    """One Gorgias account and how its data becomes Brevo state."""

    enabled: bool = setting(True, expected="true or false", fix="write true or false")
    domain: str = setting(
        expected="a Gorgias domain such as yourstore.gorgias.com",
        fix="copy the subdomain from the address bar of your Gorgias helpdesk",
    )
    email: EmailAddress | None = setting(
        None,
        expected="the email of the Gorgias user who owns the API key",
        fix="write the address shown under Settings > REST API",
    )
    api_key: SecretValue | None = setting(
        None,
        expected="a Gorgias API key, usually ${GORGIAS_API_KEY}",
        fix="set it through an environment variable, or store it with "
        "`tajo connectors install gorgias`",
        secret=True,
    )
    base_url: BaseUrl | None = setting(
        None,
        expected="an https URL of the Gorgias API, or http on a loopback host",
        fix="remove base_url to use https://{subdomain}.gorgias.com/api/",
    )
    rate_limit: RateLimitConfig = setting(
        default=RateLimitConfig(),
        expected="{requests: 40, window_seconds: 20}",
        fix="write the budget as requests per window",
    )
    sync: SyncConfig = setting(
        default=SyncConfig(),
        expected="a mapping of resources to true or false",
        fix="write sync: {customers: true, tickets: true}",
    )
    lists: ListsConfig = setting(
        default=ListsConfig(),
        expected="a mapping of list roles to Brevo list ids",
        fix="write lists: {all_support_contacts: 35}",
    )
    field_mapping: dict[FieldKey, FieldTarget] = setting(
        default=dict(DEFAULT_FIELD_MAPPING),
        expected="a mapping of Gorgias fields to Brevo attribute names",
        fix="write field_mapping: {nb_tickets: TICKET_COUNT}",
    )
    event_mapping: dict[EventKind, EventName | None] = setting(
        default=dict(DEFAULT_EVENT_MAPPING),
        expected="a mapping of transition kinds to Brevo event names",
        fix="write event_mapping: {ticket.closed: SUPPORT_TICKET_RESOLVED}",
    )
    tag_lists: dict[str, PositiveId] = setting(
        default={},
        expected="a mapping of Gorgias tag names to Brevo list ids",
        fix='write tag_lists: {"vip": 40}',
    )
    tag_sources: TagSourcesConfig = setting(
        default=TagSourcesConfig(),
        expected="{tickets: true, customer: true}",
        fix="write true or false for each source",
    )
    csat: CsatConfig = setting(
        default=CsatConfig(),
        expected="{satisfied_min: 4, dissatisfied_max: 2}",
        fix="write the two thresholds",
    )
    identity: IdentityConfig = setting(
        default=IdentityConfig(),
        expected="{policy: email_then_sms, ext_id_format: gorgias-{id}}",
        fix="write the identity policy",
    )
    phone_region: PhoneRegion | None = setting(
        None,
        expected="an ISO 3166-1 alpha-2 country code such as US or FR",
        fix="set the country used for phone numbers written without +",
    )
    timezone: TimezoneName = setting(
        "UTC",
        expected="an IANA time zone name such as UTC or Europe/Paris",
        fix="use the time zone of your shop",
    )
    triggers: tuple[TriggerConfig, ...] = setting(
        default=(),
        expected="a list of campaign triggers",
        fix="write each trigger as {name, on, conditions, target}",
    )
    webhook: WebhookConfig | None = setting(
        None,
        expected="{secret: ${TAJO_WEBHOOK_SECRET}, public_url: https://...}",
        fix="add the webhook section to receive Gorgias HTTP integration calls",
    )
    debug: bool = setting(False, expected="true or false", fix="write true or false")
    log_level: str = setting(
        "info",
        expected=f"one of {', '.join(LOG_LEVELS)}",
        fix="use info, or debug to see every API call",
    )
    log_api_calls: bool = setting(
        False, expected="true or false", fix="write true or false"
    )

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return f"{parse_domain(value)}.gorgias.com"

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        if isinstance(value, str):
            return one_of(value.strip().lower(), LOG_LEVELS, label="log level")
        return value

    @field_validator("tag_lists")
    @classmethod
    def _tag_lists(cls, value: dict[str, int]) -> dict[str, int]:
        seen: dict[str, str] = {}
        for tag in value:
            folded = tag.strip().casefold()
            if not folded:
                raise invalid("a non-empty tag name", "remove the empty tag")
            if folded in seen:
                raise invalid(
                    f"tag names that differ in more than case; {tag!r} and "
                    f"{seen[folded]!r} are the same tag to tajo",
                    "keep one of them",
                )
            seen[folded] = tag
        return value

    @model_validator(mode="after")
    def _check_mapping(self) -> GorgiasConfig:
        targets: dict[str, str] = {}
        for key, target in self.field_mapping.items():
            source = IDENTIFIER_TARGETS.get(target)
            if source is not None and key != source:
                raise invalid(
                    f"the {target} target only for the {source!r} field",
                    f"map {key} to an attribute name, or write `{source}: {target}`",
                    key=f"field_mapping.{key}",
                )
            if target in targets:
                raise invalid(
                    f"one Gorgias field per attribute; {target} already receives "
                    f"{targets[target]}",
                    "map each attribute once",
                    key=f"field_mapping.{key}",
                )
            targets[target] = key
        return self

    @model_validator(mode="after")
    def _check_lists(self) -> GorgiasConfig:
        roles = {
            getattr(self.lists, role): role
            for role in ListsConfig.model_fields
            if getattr(self.lists, role) is not None
        }
        for tag, list_id in self.tag_lists.items():
            if list_id in roles:
                raise invalid(
                    f"a list id not already used by lists.{roles[list_id]}",
                    "give tag lists their own Brevo lists",
                    key=f"tag_lists.{tag}",
                )
        return self

    @model_validator(mode="after")
    def _check_triggers(self) -> GorgiasConfig:
        names: set[str] = set()
        for index, trigger in enumerate(self.triggers):
            if trigger.name in names:
                raise invalid(
                    "a trigger name used once",
                    f"rename the second {trigger.name!r}",
                    key=f"triggers.{index}.name",
                )
            names.add(trigger.name)
        return self

    @property
    def subdomain(self) -> str:
        """The account subdomain, such as `yourstore`."""
        return self.domain.removesuffix(".gorgias.com")

    @property
    def python_log_level(self) -> int:
        """The `logging` level for `log_level`; verbose and debug are DEBUG."""
        if self.debug or self.log_level in {"verbose", "debug"}:
            return logging.DEBUG
        return logging.getLevelNamesMapping()[self.log_level.upper()]

    @property
    def reads_custom_fields(self) -> bool:
        """True when custom field values must be read for each changed customer."""
        if self.sync.custom_fields == "auto":
            return any(is_custom_field(key) for key in self.field_mapping)
        return self.sync.custom_fields

    def event_name(self, kind: str) -> str | None:
        """Return the Brevo event name of a transition kind, None when unmapped."""
        return self.event_mapping.get(kind)

    def tag_list_ids(self) -> dict[str, int]:
        """Return tag lists keyed by case-folded tag name (empty unless sync.tags)."""
        if not self.sync.tags:
            return {}
        return {
            tag.strip().casefold(): list_id for tag, list_id in self.tag_lists.items()
        }

    def managed_list_ids(self) -> frozenset[int]:
        """Return every Brevo list whose membership tajo keeps in step.

        The CSAT lists are managed only while surveys are synced, so turning
        surveys off never empties them.
        """
        ids: set[int] = set(self.tag_list_ids().values())
        if self.lists.all_support_contacts is not None:
            ids.add(self.lists.all_support_contacts)
        if self.sync.satisfaction_surveys:
            for list_id in (
                self.lists.satisfied_customers,
                self.lists.dissatisfied_customers,
            ):
                if list_id is not None:
                    ids.add(list_id)
        return frozenset(ids)
