"""Validation of the Gorgias account domain and of the base-URL override.

Credentials go in every request, so their destination is checked before any
URL is built. A Gorgias domain must be one DNS label under `gorgias.com`. An
override must use https unless it points at this machine.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from tajo.errors import ConfigError

GORGIAS_PARENT_DOMAIN = "gorgias.com"

# One DNS label (RFC 1035 with RFC 1123 digits first): ASCII letters, digits and
# hyphens, 1 to 63 characters, no hyphen at either end.
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)

_LOOPBACK_NAMES = frozenset({"localhost"})


def parse_subdomain(domain: str) -> str:
    """Return the account subdomain from `domain`, lower-cased.

    Accepted forms: `yourstore`, `yourstore.gorgias.com` and
    `https://yourstore.gorgias.com` (one trailing slash allowed).

    Raises:
        ConfigError: the value is not one DNS label under gorgias.com.
    """
    # Check ASCII before lower-casing: str.lower() folds some non-ASCII
    # characters (the Kelvin sign, for one) into ASCII letters.
    if not domain.isascii():
        raise _invalid_domain(domain)
    text = domain.strip().lower()
    if text.startswith("https://"):
        text = text.removeprefix("https://")
        text = text.removesuffix("/")
    suffix = "." + GORGIAS_PARENT_DOMAIN
    if text.endswith(suffix):
        text = text.removesuffix(suffix)
    if _LABEL.fullmatch(text) is None:
        raise _invalid_domain(domain)
    return text


def gorgias_base_url(subdomain: str) -> str:
    """Return the REST API base URL of an account, ending in `/api/`."""
    return f"https://{subdomain}.{GORGIAS_PARENT_DOMAIN}/api/"


def parse_base_url_override(value: str) -> str:
    """Return a validated API base URL that ends in `/api/`.

    The override replaces `https://{subdomain}.gorgias.com/api/` for proxies and
    local testing. `/api/` is appended when the path does not already end with
    `api`. Plain http is allowed only for loopback hosts (127.0.0.0/8, ::1 and
    localhost), so credentials never cross a network in clear text.

    Raises:
        ConfigError: the URL is malformed, carries user info, a query or a
            fragment, or uses http for a host that is not loopback.
    """
    text = value.strip()
    if not text.isascii() or any(char.isspace() or char < " " for char in text):
        raise _invalid_override(value, "expected an ASCII URL without spaces")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise _invalid_override(
            value, "expected a URL such as https://host/api/"
        ) from None
    if parts.scheme not in ("http", "https") or not host:
        raise _invalid_override(value, "expected an http or https URL with a host")
    if "@" in parts.netloc:
        raise _invalid_override(value, "expected no user name or password in the URL")
    if parts.query or parts.fragment:
        raise _invalid_override(value, "expected no query string or fragment")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise _invalid_override(
            value, "expected https, because plain http is allowed only for loopback"
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/api"):
        path += "/api"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urlunsplit((parts.scheme, netloc, path + "/", "", ""))


def is_loopback_host(host: str) -> bool:
    """Return whether `host` names this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _invalid_domain(value: str) -> ConfigError:
    return ConfigError(
        f"invalid Gorgias domain: domain={value!a}; expected the account "
        "subdomain as 'yourstore', 'yourstore.gorgias.com' or "
        "'https://yourstore.gorgias.com' (one DNS label of letters, digits and "
        "hyphens); copy it from the address of your Gorgias helpdesk"
    )


def _invalid_override(value: str, expectation: str) -> ConfigError:
    return ConfigError(
        f"invalid Gorgias base URL override: base_url={value!a}; {expectation}; "
        "fix the override or remove it to use https://{subdomain}.gorgias.com/api/"
    )
