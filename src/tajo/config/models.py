"""The whole of `tajo.yaml`: connectors, the Brevo account and the state database."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from tajo.config.base import Section, invalid, one_of, setting
from tajo.config.connector import GorgiasConfig
from tajo.config.types import BaseUrl, PositiveId, SecretValue
from tajo.redact import redact_url

# SQLAlchemy would pick psycopg2 for a bare postgresql:// URL, but tajo ships
# with psycopg 3. Only the scheme is checked here, so loading the configuration
# does not import SQLAlchemy. The store parses the rest of the URL.
_DRIVER_ALIASES = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "sqlite+pysqlite": "sqlite",
}
_DRIVERS = ("sqlite", "postgresql+psycopg")


class BrevoRateLimitsConfig(Section):
    """Request budgets per Brevo endpoint family; defaults are the general plan's."""

    contacts_per_second: int = setting(
        10,
        expected="requests per second to /v3/contacts (a whole number, at least 1)",
        fix="use 10, or 20 on Professional and Enterprise plans",
    )
    events_per_second: int = setting(
        10,
        expected="requests per second to /v3/events (a whole number, at least 1)",
        fix="use 10, or 20 on Professional and Enterprise plans",
    )
    other_per_hour: int = setting(
        100,
        expected="requests per hour to every other endpoint (a whole number, >= 1)",
        fix="use 100, or 200 on Professional and Enterprise plans",
    )

    @model_validator(mode="after")
    def _positive(self) -> BrevoRateLimitsConfig:
        for key in type(self).model_fields:
            if getattr(self, key) < 1:
                raise invalid(
                    "a whole number of at least 1", "use the plan's limit", key=key
                )
        return self


class BrevoConfig(Section):
    """The Brevo account tajo writes to."""

    api_key: SecretValue | None = setting(
        None,
        expected="a Brevo API key, usually ${BREVO_API_KEY}",
        fix="create a key under Brevo > SMTP & API > API keys and export BREVO_API_KEY",
        secret=True,
    )
    base_url: BaseUrl | None = setting(
        None,
        expected="an https URL of the Brevo API, or http on a loopback host",
        fix="remove base_url to use https://api.brevo.com/v3",
    )
    rate_limits: BrevoRateLimitsConfig = setting(
        default=BrevoRateLimitsConfig(),
        expected="{contacts_per_second, events_per_second, other_per_hour}",
        fix="write the limits of your Brevo plan",
    )
    create_missing_attributes: bool = setting(
        True,
        expected="true or false",
        fix="true creates the attributes field_mapping needs",
    )
    list_folder_id: PositiveId | None = setting(
        None,
        expected="the Brevo folder id in which tajo creates lists",
        fix="copy a folder id from Brevo > Contacts > Lists > Folders",
    )
    # NOTE: the writer does not read Brevo's blocklist flags yet, so "skip"
    # behaves like "add"; see the NOTE in tajo/sync/writer_contacts.py.
    blacklisted_list_adds: Literal["skip", "add"] = setting(
        "skip",
        expected="skip or add",
        fix="use skip, so blocklisted contacts are not added to marketing lists",
    )

    @field_validator("blacklisted_list_adds", mode="before")
    @classmethod
    def _policy(cls, value: object) -> object:
        if isinstance(value, str):
            return one_of(value, ("skip", "add"), label="blacklisted list adds")
        return value


class StateConfig(Section):
    """Location of the state store: the mirror, watermarks, outbox and ledger.

    Without `database_url` the store uses `tajo.db` in the data directory
    ($TAJO_HOME, else $XDG_DATA_HOME/tajo, else ~/.local/share/tajo).
    """

    database_url: str | None = setting(
        None,
        expected="an SQLAlchemy URL: sqlite:///path/to/tajo.db or "
        "postgresql+psycopg://user@host/db",
        fix="remove it to use tajo.db in the data directory",
        password_url=True,
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = value.strip()
        scheme, separator, rest = text.partition("://")
        driver = _DRIVER_ALIASES.get(scheme.lower(), scheme.lower())
        if not separator or driver not in _DRIVERS:
            raise invalid(
                "an sqlite:///path or postgresql+psycopg://user@host/db URL",
                "tajo supports SQLite and PostgreSQL; fix the URL scheme",
            )
        return f"{driver}://{rest}"

    def display_database_url(self) -> str | None:
        """Return `database_url` with its password masked, for messages."""
        return redact_url(self.database_url) if self.database_url else None


class ConnectorsConfig(Section):
    """The helpdesk connectors; Gorgias is the only one."""

    gorgias: GorgiasConfig = setting(
        expected="the Gorgias connector section",
        fix="add connectors.gorgias with at least `domain: yourstore.gorgias.com`",
    )


class TajoConfig(Section):
    """The validated content of `tajo.yaml`."""

    connectors: ConnectorsConfig = setting(
        expected="the connectors section",
        fix="add `connectors: {gorgias: {domain: yourstore.gorgias.com}}`",
    )
    brevo: BrevoConfig = setting(
        default=BrevoConfig(),
        expected="the Brevo section",
        fix="add `brevo: {api_key: ${BREVO_API_KEY}}`",
    )
    state: StateConfig = setting(
        default=StateConfig(),
        expected="the state section",
        fix="add `state: {database_url: sqlite:///tajo.db}` or remove it",
    )

    @property
    def gorgias(self) -> GorgiasConfig:
        """The Gorgias connector section."""
        return self.connectors.gorgias
