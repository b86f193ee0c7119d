"""One place that keeps secrets out of reprs, logs, URLs and error messages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "[redacted]"

# Header and query-parameter names whose values are secrets.
SENSITIVE_NAMES = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "cookie",
        "set-cookie",
        "x-tajo-secret",
        "token",
        "secret",
        "api_key",
        "password",
    }
)


class Secret:
    """A string that never shows its value in `repr`, `str` or f-strings.

    Call `reveal()` at the single point where the value is put on the wire.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, format_spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of `headers` with secret values masked."""
    return {
        name: (MASK if name.lower() in SENSITIVE_NAMES else value)
        for name, value in headers.items()
    }


def redact_url(url: str) -> str:
    """Mask passwords and secret query parameters in `url`."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = urlencode(
        [
            (key, MASK if key.lower() in SENSITIVE_NAMES else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="[]",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(
    text: str, secrets: Iterable[str | Secret] = (), limit: int = 200
) -> str:
    """Mask every known secret in `text` and cut it to `limit` characters."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value:
            text = text.replace(value, MASK)
    text = _BASIC_OR_BEARER.sub(rf"\1 {MASK}", text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text


_BASIC_OR_BEARER = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]{8,}")
