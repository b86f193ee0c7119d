"""Shared-secret authentication of Gorgias HTTP integration calls.

Gorgias does not sign its requests, so the receiver trusts a delivery only
when it carries the shared secret: in a custom header set on the integration
(`http.headers`), or as `?token=` in the URL for setups that cannot add
headers. Both are compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from tajo.redact import MASK, Secret, redact_headers

TOKEN_PARAM = "token"  # noqa: S105 - the name of a query parameter, not a secret


class SecretCheck:
    """Tell whether a request carries the shared secret.

    `header_name` is compared case-insensitively, as HTTP header names are.
    """

    def __init__(self, secret: Secret, *, header_name: str) -> None:
        self._expected = secret.reveal().encode()
        self.header_name = header_name.strip().lower()

    def authorized(self, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """Return True when the header or the `token` query value matches."""
        offered = [headers.get(self.header_name), query.get(TOKEN_PARAM)]
        # Check every candidate, so the time taken does not tell which one
        # was present.
        matched = False
        for value in offered:
            if value is not None and hmac.compare_digest(
                value.encode(errors="replace"), self._expected
            ):
                matched = True
        return matched

    def clean_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Return `headers` safe to store: the secret header and credentials masked."""
        masked = redact_headers(headers)
        return {
            name: (MASK if name.lower() == self.header_name else value)
            for name, value in masked.items()
        }


def strip_token(query_string: str) -> str:
    """Return `query_string` without its `token` parameter, safe to store."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    remaining = [(key, value) for key, value in pairs if key != TOKEN_PARAM]
    return urlencode(remaining)
