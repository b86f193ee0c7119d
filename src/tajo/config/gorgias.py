"""Sections of `connectors.gorgias`: sync, lists, CSAT, identity, rate, webhook."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import field_validator, model_validator

from tajo.config.base import Section, invalid, one_of, setting
from tajo.config.types import BaseUrl, PositiveId, SecretValue
from tajo.redact import Secret

# One DNS label: what goes before `.gorgias.com`.
_SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

LOG_LEVELS = ("verbose", "debug", "info", "warning", "error")

_CUSTOM_FIELDS_CHOICES: dict[str, bool | str] = {
    "auto": "auto",
    "true": True,
    "yes": True,
    "false": False,
    "no": False,
}


def parse_domain(value: str) -> str:
    """Return the account subdomain of a Gorgias domain.

    Accepts `yourstore`, `yourstore.gorgias.com` and
    `https://yourstore.gorgias.com`. Only a single DNS label under gorgias.com
    is valid, so credentials cannot be sent to another host.

    Raises:
        PydanticCustomError: the value is not one label under gorgias.com.
    """
    # Check ASCII before lower-casing: str.lower() maps some non-ASCII letters,
    # such as the Kelvin sign, to ASCII ones.
    text = value.strip()
    if text.isascii():
        text = text.lower().removeprefix("https://").removesuffix("/")
    label = text.removesuffix(".gorgias.com")
    if not text.isascii() or not _SUBDOMAIN.fullmatch(label):
        raise invalid(
            "a Gorgias domain such as yourstore.gorgias.com (one DNS label of "
            "ASCII letters, digits and hyphens under gorgias.com, no path)",
            "copy the subdomain from the address bar of your Gorgias helpdesk",
        )
    return label


class SyncConfig(Section):
    """Resources read from Gorgias, and the time windows of incremental reads."""

    customers: bool = setting(True, expected="true or false", fix="write true or false")
    tickets: bool = setting(True, expected="true or false", fix="write true or false")
    satisfaction_surveys: bool = setting(
        True, expected="true or false", fix="write true or false"
    )
    tags: bool = setting(True, expected="true or false", fix="write true or false")
    users: bool = setting(True, expected="true or false", fix="write true or false")
    events: bool = setting(True, expected="true or false", fix="write true or false")
    messages: bool = setting(True, expected="true or false", fix="write true or false")
    custom_fields: Literal["auto"] | bool = setting(
        "auto",
        expected="auto, true or false",
        fix="use auto to read custom fields only when field_mapping uses them",
    )
    overlap_minutes: int = setting(
        5,
        expected="minutes of overlap before the watermark (0 to 1440)",
        fix="use 5 unless records are missed",
    )
    survey_rescan_days: int = setting(
        14,
        expected="days during which unscored or recent surveys are read again "
        "(0 to 365)",
        fix="use 14; surveys are often answered days after they are sent",
    )
    event_backfill_days: int = setting(
        30,
        expected="days of history the first sync sends as events (0 to 3650)",
        fix="use 0 to send no historical events, or 30",
    )

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _custom_fields(cls, value: object) -> object:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _CUSTOM_FIELDS_CHOICES:
            return _CUSTOM_FIELDS_CHOICES[text]
        raise invalid(
            "auto, true or false",
            "use auto to read custom fields only when field_mapping uses them",
        )

    @model_validator(mode="after")
    def _check_ranges(self) -> SyncConfig:
        limits = {
            "overlap_minutes": 1440,
            "survey_rescan_days": 365,
            "event_backfill_days": 3650,
        }
        for key, maximum in limits.items():
            value = getattr(self, key)
            if not 0 <= value <= maximum:
                raise invalid(
                    f"a whole number from 0 to {maximum}",
                    "use a value inside the range",
                    key=key,
                )
        return self


class ListsConfig(Section):
    """Brevo lists tajo manages; a list left out is not managed."""

    all_support_contacts: PositiveId | None = setting(
        None,
        expected="a Brevo list id (positive integer) that receives every contact",
        fix="copy the list id from Brevo > Contacts > Lists",
    )
    satisfied_customers: PositiveId | None = setting(
        None,
        expected="a Brevo list id (positive integer) for satisfied customers",
        fix="copy the list id from Brevo > Contacts > Lists",
    )
    dissatisfied_customers: PositiveId | None = setting(
        None,
        expected="a Brevo list id (positive integer) for dissatisfied customers",
        fix="copy the list id from Brevo > Contacts > Lists",
    )

    @model_validator(mode="after")
    def _distinct(self) -> ListsConfig:
        seen: dict[int, str] = {}
        for key in (
            "all_support_contacts",
            "satisfied_customers",
            "dissatisfied_customers",
        ):
            list_id = getattr(self, key)
            if list_id is None:
                continue
            if list_id in seen:
                raise invalid(
                    f"a list id not already used by {seen[list_id]}",
                    "give each role its own Brevo list",
                    key=key,
                )
            seen[list_id] = key
        return self


class CsatConfig(Section):
    """Scores that place a customer in the satisfied or dissatisfied list."""

    satisfied_min: int = setting(
        4,
        expected="the lowest score (1 to 5) that counts as satisfied",
        fix="use 4 (scores 4 and 5)",
    )
    dissatisfied_max: int = setting(
        2,
        expected="the highest score (1 to 5) that counts as dissatisfied",
        fix="use 2 (scores 1 and 2)",
    )

    @model_validator(mode="after")
    def _check(self) -> CsatConfig:
        for key in ("satisfied_min", "dissatisfied_max"):
            if not 1 <= getattr(self, key) <= 5:
                raise invalid(
                    "a score from 1 to 5", "use a Gorgias CSAT score", key=key
                )
        if self.dissatisfied_max >= self.satisfied_min:
            raise invalid(
                f"dissatisfied_max lower than satisfied_min={self.satisfied_min}, "
                "so no score is both",
                "lower dissatisfied_max or raise satisfied_min",
                key="dissatisfied_max",
            )
        return self


IdentityPolicy = Literal["email_only", "email_then_sms", "email_then_sms_then_ext_id"]


class IdentityConfig(Section):
    """Identity policy: the identifiers a Gorgias customer gets in Brevo."""

    policy: IdentityPolicy = setting(
        "email_then_sms",
        expected="email_only, email_then_sms or email_then_sms_then_ext_id",
        fix="use email_then_sms_then_ext_id to keep customers without email or phone",
    )
    ext_id_format: str = setting(
        "gorgias-{id}",
        expected="a pattern with {id}, the Gorgias customer id",
        fix="write a pattern such as gorgias-{id}",
    )

    @field_validator("policy", mode="before")
    @classmethod
    def _policy(cls, value: object) -> object:
        if isinstance(value, str):
            return one_of(value, get_args(IdentityPolicy), label="identity policy")
        return value

    @field_validator("ext_id_format")
    @classmethod
    def _format(cls, value: str) -> str:
        rest = value.replace("{id}", "")
        if "{id}" not in value or "{" in rest or "}" in rest:
            raise invalid(
                "a pattern with {id} and no other braces",
                "write a pattern such as gorgias-{id}",
            )
        return value

    def ext_id(self, customer_id: int) -> str:
        """Return the Brevo ext_id of a Gorgias customer."""
        return self.ext_id_format.replace("{id}", str(customer_id))


class TagSourcesConfig(Section):
    """Sources of a customer's tags. Gorgias itself keeps tags on tickets."""

    tickets: bool = setting(
        True,
        expected="true or false",
        fix="true reads the tags of the customer's tickets",
    )
    customer: bool = setting(
        True,
        expected="true or false",
        fix="true reads tags held on the customer, such as Shopify tags",
    )


class RateLimitConfig(Section):
    """The share of the Gorgias account's request budget tajo may use."""

    # Gorgias allows API keys 40 requests per 20 s, shared by every app of the
    # account.
    requests: int = setting(
        40,
        expected="requests per window (1 to 1000)",
        fix="use 40, or less to leave room for other apps",
    )
    window_seconds: float = setting(
        20.0,
        expected="the window length in seconds (greater than 0)",
        fix="use 20, the Gorgias window for API keys",
    )

    @model_validator(mode="after")
    def _check(self) -> RateLimitConfig:
        if not 1 <= self.requests <= 1000:
            raise invalid("a whole number from 1 to 1000", "use 40", key="requests")
        if self.window_seconds <= 0:
            raise invalid(
                "a positive number of seconds", "use 20", key="window_seconds"
            )
        return self


class WebhookConfig(Section):
    """The receiver of Gorgias HTTP integration calls."""

    secret: SecretValue = setting(
        expected="a shared secret of at least 16 characters",
        fix="set ${TAJO_WEBHOOK_SECRET} to the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`",
        secret=True,
    )
    secret_header: str = setting(
        "x-tajo-secret",
        expected="an HTTP header name",
        fix="use x-tajo-secret",
    )
    max_body_bytes: int = setting(
        1_048_576,
        expected="the largest accepted body in bytes (1 KiB to 64 MiB)",
        fix="use 1048576 (1 MiB)",
    )
    public_url: BaseUrl | None = setting(
        None,
        expected="the public https URL of POST /webhooks/gorgias",
        fix="write the URL Gorgias can reach, such as "
        "https://tajo.example.com/webhooks/gorgias",
    )

    @field_validator("secret")
    @classmethod
    def _long_secret(cls, value: Secret) -> Secret:
        if len(value.reveal()) < 16:
            raise invalid(
                "a shared secret of at least 16 characters",
                "generate a longer random secret",
            )
        return value

    @field_validator("secret_header")
    @classmethod
    def _header(cls, value: str) -> str:
        name = value.strip().lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
            raise invalid(
                "an HTTP header name of letters, digits and -",
                "use x-tajo-secret",
            )
        return name

    @field_validator("max_body_bytes")
    @classmethod
    def _body(cls, value: int) -> int:
        if not 1024 <= value <= 64 * 1024 * 1024:
            raise invalid("a size from 1024 to 67108864 bytes", "use 1048576")
        return value
