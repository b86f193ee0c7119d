"""Configuration: `tajo.yaml` loaded, expanded and validated into frozen models.

`load_config(path)` is the entry point. Every model rejects unknown keys and
every validation problem is reported at once, as a ConfigError whose message
gives the key path, the bad value, what is expected and the fix.
"""

from __future__ import annotations

from tajo.config.connector import GorgiasConfig
from tajo.config.fields import (
    AUTOMATION_KINDS,
    BUILTIN_FIELD_TYPES,
    CUSTOMER_KINDS,
    DEFAULT_EVENT_MAPPING,
    DEFAULT_FIELD_MAPPING,
    EMAIL_TARGET,
    EVENT_KINDS,
    SMS_TARGET,
    SURVEY_KINDS,
    TICKET_KINDS,
    AttributeType,
    custom_field_key,
    is_custom_field,
)
from tajo.config.gorgias import (
    CsatConfig,
    IdentityConfig,
    IdentityPolicy,
    ListsConfig,
    RateLimitConfig,
    SyncConfig,
    TagSourcesConfig,
    WebhookConfig,
)
from tajo.config.loader import config_warnings, load_config, parse_config
from tajo.config.models import (
    BrevoConfig,
    BrevoRateLimitsConfig,
    StateConfig,
    TajoConfig,
)
from tajo.config.triggers import (
    TRIGGER_FIELDS,
    Condition,
    TriggerConfig,
    TriggerTarget,
)

__all__ = [
    "AUTOMATION_KINDS",
    "BUILTIN_FIELD_TYPES",
    "CUSTOMER_KINDS",
    "DEFAULT_EVENT_MAPPING",
    "DEFAULT_FIELD_MAPPING",
    "EMAIL_TARGET",
    "EVENT_KINDS",
    "SMS_TARGET",
    "SURVEY_KINDS",
    "TICKET_KINDS",
    "TRIGGER_FIELDS",
    "AttributeType",
    "BrevoConfig",
    "BrevoRateLimitsConfig",
    "Condition",
    "CsatConfig",
    "GorgiasConfig",
    "IdentityConfig",
    "IdentityPolicy",
    "ListsConfig",
    "RateLimitConfig",
    "StateConfig",
    "SyncConfig",
    "TagSourcesConfig",
    "TajoConfig",
    "TriggerConfig",
    "TriggerTarget",
    "WebhookConfig",
    "config_warnings",
    "custom_field_key",
    "is_custom_field",
    "load_config",
    "parse_config",
]
