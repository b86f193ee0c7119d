"""A thin typed async client for the Brevo API v3 endpoints the connector uses.

It does not depend on Gorgias, the store or the sync. The endpoints live in one
module per concern (`contacts`, `lists`, `messaging`); pacing, retries and
error classification live in `tajo.brevo.session`. Read its retry table before
changing what a method may resend.
"""

from __future__ import annotations

from types import TracebackType

import httpx

from tajo.brevo.contacts import ContactsApi
from tajo.brevo.imports import DEFAULT_MAX_POLLS, DEFAULT_POLL_SECONDS
from tajo.brevo.lists import ListsApi
from tajo.brevo.messaging import MessagingApi
from tajo.brevo.models import BrevoAccount
from tajo.brevo.pacing import BrevoRateLimits
from tajo.brevo.responses import expect_object
from tajo.brevo.session import DEFAULT_BASE_URL, BrevoSession
from tajo.clock import Clock, SystemClock
from tajo.http.retry import Backoff
from tajo.redact import Secret


class BrevoClient(ContactsApi, ListsApi, MessagingApi):
    """Async Brevo client: contacts, attributes, lists, imports, events, email.

    Use it as an async context manager, or call `aclose()` when done. Every
    wait (pacing, 429, backoff, import polling) goes through `clock`.

    Args:
        api_key: the Brevo v3 API key.
        base_url: API root; plain http is accepted only for loopback hosts.
        clock: time source; `SystemClock()` when omitted.
        rate_limits: requests per endpoint family (Brevo's general plan when
            omitted).
        transport: httpx transport, for a simulator served in-process.
        timeout_seconds: read, write and pool timeout per request.
        backoff: attempts and delays for retries other than 429.
        max_rate_limit_retries: 429 responses tolerated per request.
        import_poll_seconds: wait before each import status poll.
        max_import_polls: polls per import before returning it unfinished.

    Raises:
        ConfigError: the key is empty or the base URL is unsafe.
    """

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        clock: Clock | None = None,
        rate_limits: BrevoRateLimits | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_seconds: float = 30.0,
        backoff: Backoff | None = None,
        max_rate_limit_retries: int = 8,
        import_poll_seconds: float = DEFAULT_POLL_SECONDS,
        max_import_polls: int = DEFAULT_MAX_POLLS,
    ) -> None:
        self._clock = clock or SystemClock()
        self.session = BrevoSession(
            api_key,
            base_url=base_url,
            clock=self._clock,
            rate_limits=rate_limits,
            transport=transport,
            timeout_seconds=timeout_seconds,
            backoff=backoff,
            max_rate_limit_retries=max_rate_limit_retries,
        )
        self._import_poll_seconds = import_poll_seconds
        self._max_import_polls = max_import_polls

    async def __aenter__(self) -> BrevoClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.session.aclose()

    @property
    def rate_limited_count(self) -> int:
        """Return the number of 429 responses this client has received."""
        return self.session.rate_limited_count

    async def get_account(self) -> BrevoAccount:
        """Return the account behind the API key; a cheap check of the key.

        Raises:
            AuthenticationError: the key is wrong.
        """
        response = await self.session.request("GET", "/account")
        data = expect_object(response, "/account")
        email = data.get("email")
        company = data.get("companyName")
        return BrevoAccount(
            email=email if isinstance(email, str) else None,
            company_name=company if isinstance(company, str) else None,
            raw=data,
        )
