"""Value types that several configuration sections share, with their checks."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import AfterValidator, BeforeValidator, PlainValidator

from tajo.config.base import invalid
from tajo.redact import Secret

# Brevo documents only "use capital letters" for attribute names. tajo also
# limits them to ASCII letters, digits and underscores, because Brevo states no
# other rule and its own attributes (FIRSTNAME, SMS) use only those.
_ATTRIBUTE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# Brevo event names: at most 255 characters among letters, digits, "-" and "_".
_EVENT_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LOOPBACK_NAMES = frozenset({"localhost"})


def _reject_bool(value: object) -> object:
    # YAML `yes`/`true` would otherwise become list id 1 in pydantic's lax mode.
    if isinstance(value, bool):
        raise invalid("a number, not true/false", "write the number itself")
    return value


def _positive_id(value: int) -> int:
    if value <= 0:
        raise invalid(
            "a Brevo id (a positive integer)",
            "copy the id shown in Brevo, for example under Contacts > Lists",
        )
    return value


def check_attribute_name(value: str) -> str:
    """Return `value` when it is a valid Brevo attribute name."""
    if not _ATTRIBUTE_NAME.fullmatch(value):
        raise invalid(
            "a Brevo attribute name in capitals: A-Z, 0-9 and _, starting with "
            "a letter",
            f"write it as {_suggest_attribute(value)!r}",
        )
    return value


def _suggest_attribute(value: str) -> str:
    cleaned = re.sub(r"[^A-Z0-9_]", "_", value.strip().upper())
    return cleaned if cleaned[:1].isalpha() else f"X_{cleaned}"


def _event_name(value: str) -> str:
    if not _EVENT_NAME.fullmatch(value):
        raise invalid(
            "a Brevo event name: 1 to 255 letters, digits, - or _",
            "remove spaces and other characters, for example SUPPORT_TICKET_OPENED",
        )
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(
            "an IANA time zone name such as UTC or Europe/Paris",
            'use a name from the tz database (run `python -c "import zoneinfo; '
            'print(sorted(zoneinfo.available_timezones()))"` to list them)',
        ) from None
    return value


def _phone_region(value: str) -> str:
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise invalid(
            "an ISO 3166-1 alpha-2 country code known to phonenumbers, such as "
            "US, GB or FR",
            "use the two-letter code of the country most customers call from",
        )
    return region


def _email(value: str) -> str:
    text = value.strip()
    if not _EMAIL.fullmatch(text):
        raise invalid("an email address such as agent@example.com", "fix the address")
    return text


def is_loopback_host(host: str) -> bool:
    """Return True for localhost and loopback IP addresses (127.0.0.0/8, ::1)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _base_url(value: str) -> str:
    text = value.strip()
    expected = (
        "an https:// URL, or http:// only for a loopback host "
        "(localhost, 127.0.0.1, ::1)"
    )
    if not text.isascii() or any(char.isspace() for char in text):
        raise invalid(expected, "write the URL in ASCII without spaces")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port
    except ValueError:
        raise invalid(expected, "fix the host or port of the URL") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise invalid(expected, "write a full URL such as https://proxy.example.com")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise invalid(
            expected,
            "use https, because plain http would send the API key unencrypted",
        )
    if parts.username or parts.password:
        raise invalid(
            "a URL without user name or password",
            "remove the credentials from the URL; keys are configured separately",
        )
    if parts.query or parts.fragment:
        raise invalid("a URL without query or fragment", "remove the part after ? or #")
    return text


def _secret(value: Any) -> Secret:
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str) or not value.strip():
        raise invalid(
            "a non-empty string, usually a ${VARIABLE} reference",
            "set the value through an environment variable, for example "
            "${BREVO_API_KEY}",
        )
    return Secret(value.strip())


PositiveId = Annotated[int, BeforeValidator(_reject_bool), AfterValidator(_positive_id)]
"""A Brevo list or folder id."""

AttributeName = Annotated[str, AfterValidator(check_attribute_name)]
"""A Brevo contact attribute name."""

EventName = Annotated[str, AfterValidator(_event_name)]
"""A Brevo custom event name."""

TimezoneName = Annotated[str, AfterValidator(_timezone)]
"""An IANA time zone name."""

PhoneRegion = Annotated[str, AfterValidator(_phone_region)]
"""An ISO 3166-1 alpha-2 region code, upper case."""

EmailAddress = Annotated[str, AfterValidator(_email)]
"""An email address, trimmed."""

BaseUrl = Annotated[str, AfterValidator(_base_url)]
"""An API base URL: https, or http for loopback hosts only."""

SecretValue = Annotated[Secret, PlainValidator(_secret)]
"""A credential kept in a `Secret`, whose repr, str and format print a mask."""
